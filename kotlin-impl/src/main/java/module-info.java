/**
 * The engine behind {@code dev.aio4j}: internal. Its packages are exported only to the public
 * module {@code dev.aio4j}, so code in any other named module cannot compile against them, and the
 * published Javadoc leaves them out. What crosses the seam, in which direction and who owns
 * completion is written down in {@code kotlin-impl/README.md}.
 *
 * <p>The Kotlin sources are compiled first (by kotlinc, which does not read this file); javac then
 * compiles this descriptor alone over the Kotlin classes (see {@code kotlin-impl/pom.xml}).
 */
module dev.aio4j.engine {
    // LoopCore.dispatcher is a kotlinx CoroutineDispatcher; kotlinx.coroutines.core requires
    // kotlin.stdlib transitively
    requires transitive kotlinx.coroutines.core;
    requires transitive kotlin.stdlib;
    // JFR events (dev.aio4j.engine.jfr) are loaded only when the jdk.jfr module is present
    requires static jdk.jfr;
    // the watchdog reads the JVM's GC time (to label a GC pause) only when java.management is present
    requires static java.management;

    // and to the test module, whose TestLoop drives a loop's virtual clock
    exports dev.aio4j.engine to dev.aio4j, dev.aio4j.test;
    exports dev.aio4j.engine.sync to dev.aio4j;
}
