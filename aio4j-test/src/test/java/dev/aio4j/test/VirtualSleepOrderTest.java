package dev.aio4j.test;

import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aio4j.Async;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The order in which sleepers wake, and the instants: deadline order, ties in the order the sleeps began. */
@ExtendWith(TestLoopExtension.class)
class VirtualSleepOrderTest {
    private static Task<Void> sleeper(List<String> log, String name, Duration d) {
        return Async.task(name, () -> Async.sleep(d).thenRun(() -> log.add(name + " at " + now().toMillis() + " ms")));
    }

    @Test
    void sleepersWakeInDeadlineOrderEachAtItsInstant(TestLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.run(() -> Async.gather(
                sleeper(log, "3s", Duration.ofSeconds(3)),
                sleeper(log, "1s", Duration.ofSeconds(1)),
                sleeper(log, "2s", Duration.ofSeconds(2)),
                // starts at 500 ms, so its shorter sleep ends between the others
                Async.sleep(Duration.ofMillis(500)).thenCompose(x -> sleeper(log, "0.5s+1s", Duration.ofSeconds(1)))));
        assertEquals(List.of("1s at 1000 ms", "0.5s+1s at 1500 ms", "2s at 2000 ms", "3s at 3000 ms"), log);
        assertEquals(Duration.ofSeconds(3), loop.now());
    }

    @Test
    void sleepersWithTheSameDeadlineWakeInTheOrderTheyBegan(TestLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.run(() -> {
            List<Task<Void>> all = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d", "e")) all.add(sleeper(log, name, Duration.ofSeconds(1)));
            // a longer sleep begun first and a shorter one begun later meet at 2 s: the first one begun wakes first
            all.add(sleeper(log, "long", Duration.ofSeconds(2)));
            all.add(Async.task(() -> Async.sleep(Duration.ofSeconds(1)).thenCompose(x -> sleeper(log, "short", Duration.ofSeconds(1)))));
            return Async.gather(all);
        });
        assertEquals(List.of("a at 1000 ms", "b at 1000 ms", "c at 1000 ms", "d at 1000 ms", "e at 1000 ms",
                "long at 2000 ms", "short at 2000 ms"), log);
    }

    @Test
    void sleepsInARowAddUpExactly(TestLoop loop) throws Exception {
        int[] n = {0};
        loop.run(() -> Async.repeatWhile(() -> Async.sleep(Duration.ofMillis(1), ++n[0] < 1000)));
        assertEquals(1000, n[0]);
        assertEquals(Duration.ofSeconds(1), loop.now(), "a thousand 1 ms sleeps are one second, with no drift");
    }

    @Test
    void aZeroSleepYieldsWithoutMovingTheClock(TestLoop loop) throws Exception {
        int[] n = {0};
        loop.run(() -> Async.repeatWhile(() -> Async.sleep(Duration.ZERO, ++n[0] < 100)));
        assertEquals(100, n[0]);
        assertEquals(Duration.ZERO, loop.now());
    }
}
