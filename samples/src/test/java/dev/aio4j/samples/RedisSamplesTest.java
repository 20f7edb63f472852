package dev.aio4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.samples.redis.LocalRedis;
import dev.aio4j.samples.redis.RedisKilledWorker;
import dev.aio4j.samples.redis.RedisMasterWorker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Redis samples, checked by what they print; skipped (saying why) without a redis-server. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisSamplesTest {
    @BeforeEach
    void needsRedis() {
        Assumptions.assumeTrue(LocalRedis.executable() != null || System.getenv("REDIS_URL") != null,
                "no redis-server on the PATH and no REDIS_URL: the Redis samples are not run");
    }

    @Test
    void theMasterPutsFiveMessagesAndTheWorkerLoopHandlesEachOnce() throws Exception {
        SamplesTest.Run run = SamplesTest.capture(RedisMasterWorker::run);
        for (int i = 1; i <= 5; i++) {
            assertEquals(1, run.startingWith("worker handles msg-" + i + " on aio4j-loop-worker").size(), run.lines().toString());
            run.indexOf("master put msg-" + i);
        }
        run.indexOf("master: all 5 done, stats ready=0 pending=0 unfinished=0 dead=0");
    }

    @Test
    void aKilledWorkersJobsAreDoneByTheOtherAndNoneIsLost() throws Exception {
        SamplesTest.Run run = SamplesTest.capture(RedisKilledWorker::run);
        List<String> summary = run.startingWith("join: every job done");
        assertEquals(1, summary.size(), run.lines().toString());
        Matcher m = Pattern.compile("jobs run once: (\\d+), run again after the kill: (\\d+), lost: (\\d+)").matcher(summary.get(0));
        assertTrue(m.find(), summary.get(0));
        assertEquals(RedisKilledWorker.JOBS, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)));
        assertEquals("0", m.group(3));
        assertTrue(run.startingWith("killed worker-a").size() == 1, run.lines().toString());
    }
}
