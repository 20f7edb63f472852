/**
 * aio4j: Python asyncio's vocabulary for Java — tasks, {@code gather}, {@code wait},
 * timeouts, loops, locks and queues — in the one package {@link dev.aio4j}.
 *
 * <p>The engine ({@code dev.aio4j.engine}, module {@code dev.aio4j.engine}) is internal: it
 * exports its packages to this module only, so user code cannot compile against it.
 * {@code kotlin.stdlib} is read transitively because {@link dev.aio4j.SuspendCall} names
 * {@code kotlin.coroutines.Continuation}.
 */
module dev.aio4j {
    requires transitive kotlin.stdlib;
    requires dev.aio4j.engine;
    // a loop's MBean (dev.aio4j:type=Loop,name=...), registered only when java.management is present
    requires static java.management;

    exports dev.aio4j;
    // not API: what the test module's TestLoop needs of this module's internals
    exports dev.aio4j.internal to dev.aio4j.test;
}
