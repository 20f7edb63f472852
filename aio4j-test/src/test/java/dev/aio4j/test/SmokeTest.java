package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.*;

import dev.aio4j.Async;
import dev.aio4j.Task;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void sleepsAnHourInstantly() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            String r = loop.run(() -> Async.sleep(Duration.ofHours(1), "done"));
            assertEquals("done", r);
            assertEquals(Duration.ofHours(1), loop.now());
        }
    }

    @Test
    void manual() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            Task<String> t = loop.task(() -> Async.sleep(Duration.ofHours(1), "done"));
            loop.advanceBy(Duration.ofMinutes(59));
            assertFalse(t.isDone());
            loop.advanceBy(Duration.ofMinutes(1));
            assertEquals("done", t.getNow(null));
        }
    }
}
