package dev.aio4j.test;

import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aio4j.Async;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Async.gather} in virtual time: what "concurrently" means, measured exactly. */
@ExtendWith(TestLoopExtension.class)
class VirtualGatherTest {

    @Test
    void gatherRunsItsTasksConcurrently(TestLoop loop) throws Exception {
        List<String> ended = new ArrayList<>();
        List<Integer> r = loop.run(() -> Async.gather(
                Async.task(() -> Async.sleep(Duration.ofMillis(30), 1)).whenComplete((v, e) -> ended.add("1 at " + now().toMillis() + " ms")),
                Async.sleep(Duration.ofMillis(10), 2).whenComplete((v, e) -> ended.add("2 at " + now().toMillis() + " ms")),
                Async.task(() -> Async.sleep(Duration.ZERO, 3)).whenComplete((v, e) -> ended.add("3 at " + now().toMillis() + " ms"))));
        assertEquals(List.of(1, 2, 3), r, "in argument order");
        assertEquals(List.of("3 at 0 ms", "2 at 10 ms", "1 at 30 ms"), ended, "each ended at its own instant");
        assertEquals(Duration.ofMillis(30), loop.now(), "the longest of them, not their sum (40 ms)");
    }
}
