package dev.aio4j.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Task;
import dev.aio4j.redis.RedisServerExtension.RedisServer;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract's crash tests: a worker in a child JVM killed with SIGKILL mid-job, and one stopped
 * with SIGSTOP past its lease (a zombie whose late ack must be refused).
 */
@ExtendWith(RedisServerExtension.class)
class RedisCrashTest {
    static final long T = 90;

    static Process startWorker(RedisServer redis, String queue, String mode, Path log) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                RedisWorkerMain.class.getName(), Integer.toString(redis.port()), queue, mode)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Polls Redis (a real-time deadline) until {@code probe} yields a value: the child JVM has no other channel to us. */
    static <X> X waitFor(String what, Process child, Path log, Supplier<X> probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(T);
        while (System.nanoTime() < deadline) {
            X x = probe.get();
            if (x != null) return x;
            if (child != null && !child.isAlive() && child.exitValue() != 0) {
                throw new AssertionError("worker exited with " + child.exitValue() + " waiting for " + what + ":\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what + (log == null ? "" : ":\n" + Files.readString(log)));
    }

    static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return e.toString();
        }
    }

    static void signal(String sig, Process p) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, k.waitFor(), "kill -" + sig);
    }

    @Test
    void aWorkerKilledMidJobHasItsJobRunAgainElsewhere(RedisServer redis, TestInfo info) throws Exception {
        String name = "crash-kill-" + System.nanoTime();
        String job = name + "-job";
        RedisCommands<String, String> admin = redis.admin().sync();
        Path log = Files.createTempFile("aio4j-redis-worker", ".log");
        Process child = startWorker(redis, name, "hang", log);
        RedisQueue<String> q = RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofMillis(500)).consumerName("survivor").build();
        try {
            q.open().get(T, TimeUnit.SECONDS);
            q.put(job).get(T, TimeUnit.SECONDS);
            String pid = waitFor("the child to start the job", child, log, () -> admin.get("started:" + job));
            assertEquals(Long.toString(child.pid()), pid);
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(T, TimeUnit.SECONDS));

            CompletableFuture<Integer> secondDelivery = new CompletableFuture<>();
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Task<Void> pool = q.work(WorkerOptions.concurrency(1), d -> {
                admin.incr("executions:" + d.item());
                seen.add(d + " " + d.item());
                secondDelivery.complete(d.deliveryCount());
                return CompletableFuture.completedFuture(null);
            });
            q.join().get(T, TimeUnit.SECONDS);
            assertEquals(2, secondDelivery.get(T, TimeUnit.SECONDS), () -> seen + " " + admin.get("executions:" + job)
                    + " child log:\n" + readQuietly(log));
            assertEquals("2", admin.get("executions:" + job));
            QueueStats s = q.stats().get(T, TimeUnit.SECONDS);
            assertEquals(0, s.pending(), s.toString());
            assertEquals(0, s.unfinished(), s.toString());
            assertEquals(0, s.dead(), s.toString());
            assertEquals(0, admin.xlen("{" + name + "}:dead"));
            q.shutdown();
            pool.get(T, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
            q.closeAsync().get(T, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStoppedWorkersLateAckIsRefused(RedisServer redis, TestInfo info) throws Exception {
        String name = "crash-stop-" + System.nanoTime();
        String job = name + "-job";
        RedisCommands<String, String> admin = redis.admin().sync();
        Path log = Files.createTempFile("aio4j-redis-worker", ".log");
        Process child = startWorker(redis, name, "wait-go", log);
        RedisQueue<String> q = RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofMillis(500)).consumerName("survivor").build();
        boolean stopped = false;
        try {
            q.open().get(T, TimeUnit.SECONDS);
            q.put(job).get(T, TimeUnit.SECONDS);
            waitFor("the child to start the job", child, log, () -> admin.get("started:" + job));
            signal("STOP", child);
            stopped = true;

            CompletableFuture<Integer> takeover = new CompletableFuture<>();
            Task<Void> pool = q.work(WorkerOptions.concurrency(1), d -> {
                admin.incr("executions:" + d.item());
                takeover.complete(d.deliveryCount());
                return CompletableFuture.completedFuture(null);
            });
            q.join().get(T, TimeUnit.SECONDS); // the survivor claimed and acked the job
            assertEquals(2, takeover.get(T, TimeUnit.SECONDS));
            assertEquals("0", admin.get("{" + name + "}:unfinished"));

            admin.set("go:" + job, "1");
            signal("CONT", child);
            stopped = false;
            String lost = waitFor("the zombie's refused ack", child, log, () -> admin.get("leasesLost:" + name));
            assertEquals("1", lost);
            assertTrue(child.waitFor(T, TimeUnit.SECONDS), "the worker exits");
            assertEquals(0, child.exitValue(), () -> {
                try {
                    return Files.readString(log);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            assertEquals("2", admin.get("executions:" + job));
            assertEquals("0", admin.get("{" + name + "}:unfinished"), "decremented exactly once, never negative");
            QueueStats s = q.stats().get(T, TimeUnit.SECONDS);
            assertEquals(0, s.pending(), s.toString());
            assertEquals(0, s.dead(), s.toString());
            assertNull(admin.get("leasesLost:other"));
            q.shutdown();
            pool.get(T, TimeUnit.SECONDS);
            assertEquals(List.of(), admin.xrange("{" + name + "}:dead", io.lettuce.core.Range.create("-", "+")));
        } finally {
            if (stopped) signal("CONT", child);
            child.destroyForcibly();
            q.closeAsync().get(T, TimeUnit.SECONDS);
        }
    }
}
