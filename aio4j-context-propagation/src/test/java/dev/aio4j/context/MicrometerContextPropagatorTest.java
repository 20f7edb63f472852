package dev.aio4j.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.LoopOptions;
import dev.aio4j.Task;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Whatever Micrometer's registry knows (here a tracing-like ThreadLocal) follows aio4j's tasks. */
class MicrometerContextPropagatorTest {
    static final ThreadLocal<String> SPAN = new ThreadLocal<>();

    private static MicrometerContextPropagator bridge() {
        ContextRegistry registry = new ContextRegistry();
        registry.registerThreadLocalAccessor(new ThreadLocalAccessor<String>() {
            @Override
            public Object key() {
                return "span";
            }

            @Override
            public String getValue() {
                return SPAN.get();
            }

            @Override
            public void setValue(String value) {
                SPAN.set(value);
            }

            @Override
            public void setValue() {
                SPAN.remove();
            }
        });
        return new MicrometerContextPropagator(ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build());
    }

    @Test
    void aSpanFollowsTheTaskAcrossThreadsAndTheThreadGetsItsOwnBack() throws Exception {
        SPAN.set("span-1");
        try (Loop loop = Loop.create("micrometer", LoopOptions.defaults().contextPropagator(bridge()))) {
            Task<List<String>> t = loop.task(() -> {
                Task<String> onThread = Async.toThread(SPAN::get);
                Task<String> later = Async.task(() -> Async.sleep(Duration.ofMillis(1)).thenApply(x -> SPAN.get()));
                return Async.gather(onThread, later);
            });
            SPAN.remove();
            assertEquals(List.of("span-1", "span-1"), t.get(10, TimeUnit.SECONDS));
            // a task created without a span runs without one: the loop thread kept nothing
            assertNull(loop.task(() -> java.util.concurrent.CompletableFuture.completedFuture(SPAN.get())).get(10, TimeUnit.SECONDS));
        } finally {
            SPAN.remove();
        }
    }
}
