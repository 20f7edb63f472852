package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Loop.time()} on a test loop: the virtual clock, which timer delays measure exactly. */
@ExtendWith(TestLoopExtension.class)
class VirtualLoopTimeTest {
    private static long work() {
        long sum = 0;
        for (int i = 0; i < 1_000_000; i++) sum += Integer.toString(i).length();
        return sum;
    }

    @Test
    void timeMeasuresTimerDelaysExactly(@VirtualTime(autoAdvance = false) TestLoop loop) {
        Loop l = loop.loop();
        long before = l.time();
        List<Long> firedAt = new ArrayList<>();
        l.callLater(Duration.ofMillis(10), () -> firedAt.add(l.time()));
        loop.advanceBy(Duration.ofSeconds(1));
        assertEquals(List.of(before + 10_000_000L), firedAt);
        assertEquals(before + 1_000_000_000L, l.time());
    }

    @Test
    void timeStartsAtZeroAndStandsStillWhileCodeRuns(TestLoop loop) throws Exception {
        assertEquals(0L, loop.loop().time());
        long[] reads = loop.run(() -> {
            Loop l = Loop.current().orElseThrow();
            long a = l.time();
            long spent = work(); // real work, no virtual time
            long b = l.time();
            return Async.sleep(Duration.ofMillis(250)).thenApply(x -> new long[] {a, b, l.time(), spent});
        });
        assertEquals(0L, reads[0]);
        assertEquals(0L, reads[1], "the clock does not move while code runs");
        assertEquals(250_000_000L, reads[2]);
        assertEquals(loop.now().toNanos(), loop.loop().time(), "Loop.time() is the test loop's now()");
        assertEquals(250_000_000L, loop.run(() -> CompletableFuture.completedFuture(Loop.current().orElseThrow().time())));
    }
}
