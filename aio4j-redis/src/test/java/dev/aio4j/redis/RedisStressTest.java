package dev.aio4j.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.redis.RedisServerExtension.RedisServer;
import io.lettuce.core.KillArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many getters cancelled at random, and connections killed under load: no job lost, none handed out twice. */
@ExtendWith(RedisServerExtension.class)
class RedisStressTest {
    static final long T = 180;
    static final int SCALE = Integer.getInteger("stress.scale", 1);

    /** Puts {@code n} jobs {@code "0".."n-1"}, at most 500 in flight. */
    static void putAll(RedisQueue<String> q, int from, int to) throws Exception {
        List<Task<String>> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(q.put(Integer.toString(i)));
            if (batch.size() == 500) {
                Async.gather(batch).get(T, TimeUnit.SECONDS);
                batch.clear();
            }
        }
        Async.gather(batch).get(T, TimeUnit.SECONDS);
    }

    /**
     * In one atomic step (a script): the group's pending count, the entries never delivered (after
     * its {@code last-delivered-id}; {@code lag} is nil on 7.0 once acked entries were deleted), and
     * the stream's length.
     */
    static List<Long> pendingNeverLength(RedisCommands<String, String> admin, String stream) {
        String script = """
                local p = redis.call('XPENDING', KEYS[1], 'workers')[1]
                local last
                for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
                  for i = 1, #g, 2 do if g[i] == 'last-delivered-id' then last = g[i + 1] end end
                end
                local ms, seq = string.match(last, '(%d+)-(%d+)')
                local never = #redis.call('XRANGE', KEYS[1], ms .. '-' .. string.format('%d', tonumber(seq) + 1), '+')
                return {p, never, redis.call('XLEN', KEYS[1])}
                """;
        return admin.eval(script, io.lettuce.core.ScriptOutputType.MULTI, stream);
    }

    @Test
    void aCancellationStormOnGetLosesAndDuplicatesNothing(RedisServer redis) throws Exception {
        int puts = 10_000 * SCALE;
        String name = "storm-" + System.nanoTime();
        RedisCommands<String, String> admin = redis.admin().sync();
        RedisQueue<String> q = RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofMinutes(10)) // nothing may come back through a lease expiry
                .blockTimeout(Duration.ofMillis(500))
                .build();
        q.open().get(T, TimeUnit.SECONDS);
        putAll(q, 0, puts);
        Map<String, Boolean> acked = new ConcurrentHashMap<>();
        AtomicInteger ackCount = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        try (Loop loop = Loop.create("storm")) {
            for (int phase = 1; phase <= 2; phase++) {
                int target = phase == 1 ? puts / 2 : puts;
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> reached = new CompletableFuture<>();
                List<Task<Void>> getters = new ArrayList<>();
                Map<Task<Delivery<String>>, Boolean> waiting = new ConcurrentHashMap<>();
                for (int g = 0; g < 50; g++) {
                    getters.add(loop.task(() -> Async.repeatWhile(() -> {
                        if (stop.get()) return CompletableFuture.completedFuture(false);
                        Task<Delivery<String>> get = q.get();
                        waiting.put(get, true);
                        get.whenComplete((d, e) -> waiting.remove(get));
                        int r = ThreadLocalRandom.current().nextInt(10);
                        if (r < 3) {
                            get.cancel(true);  // at once
                        } else if (r < 5) {
                            Async.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(2_000_000)))
                                    .thenRun(() -> get.cancel(true));  // while it waits, or as it arrives
                        }
                        return get.handle((d, e) -> d).thenCompose(d -> {
                            if (d == null) {
                                cancelled.incrementAndGet();
                                return CompletableFuture.completedFuture(!stop.get());
                            }
                            if (acked.putIfAbsent(d.id(), true) != null) {
                                throw new AssertionError("job " + d.id() + " handed out twice");
                            }
                            return d.ack().thenApply(v -> {
                                if (ackCount.incrementAndGet() >= target) {
                                    stop.set(true);
                                    reached.complete(null);
                                }
                                return !stop.get();
                            });
                        });
                    })));
                }
                reached.get(T, TimeUnit.SECONDS);
                // the gets still waiting may wait for ever (no job left): withdraw them
                while (!Async.gather(getters).isDone()) {
                    for (Task<Delivery<String>> g : waiting.keySet()) g.cancel(true);
                    try {
                        Async.gather(getters).get(100, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // cancel the gets started since, and wait again
                    }
                }
                if (phase == 1) {
                    // quiescent (no get waits; a read still blocked returns into the hand-back list):
                    // every job is acked, pending on this consumer, or never delivered
                    List<Long> pnl = pendingNeverLength(admin, "{" + name + "}:stream");
                    long pending = pnl.get(0), never = pnl.get(1), len = pnl.get(2);
                    assertEquals(puts, ackCount.get() + pending + never,
                            "acked " + ackCount.get() + " + pending " + pending + " + never delivered " + never);
                    assertEquals(len, pending + never);
                }
            }
        }
        assertEquals(puts, acked.size());
        assertEquals(puts, ackCount.get());
        assertTrue(cancelled.get() > 0, "some gets were cancelled");
        q.join().get(T, TimeUnit.SECONDS);
        QueueStats s = q.stats().get(T, TimeUnit.SECONDS);
        assertEquals(0, s.pending(), s.toString());
        assertEquals(0, s.unfinished(), s.toString());
        assertEquals(0, s.ready(), s.toString());
        assertEquals(0, s.leasesLost(), s.toString());
        q.closeAsync().get(T, TimeUnit.SECONDS);
    }

    @Test
    void clientKillDuringLoadLosesNoJob(RedisServer redis) throws Exception {
        int jobs = 3000 * SCALE;
        String name = "kill-" + System.nanoTime();
        RedisCommands<String, String> admin = redis.admin().sync();
        RedisQueue<String> producer = RedisQueue.builder(redis.client(), name, JobCodec.utf8()).build();
        RedisQueue<String> worker = RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofSeconds(2)).blockTimeout(Duration.ofMillis(500)).build();
        producer.open().get(T, TimeUnit.SECONDS);
        worker.open().get(T, TimeUnit.SECONDS);
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch quarter = new CountDownLatch(jobs / 4), half = new CountDownLatch(jobs / 2),
                threeQuarters = new CountDownLatch(3 * jobs / 4);
        Task<Void> pool = worker.work(8, item -> {
            executions.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            done.incrementAndGet();
            quarter.countDown();
            half.countDown();
            threeQuarters.countDown();
            return Async.sleep(Duration.ZERO);
        });
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
            try {
                putAll(producer, 0, jobs);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long killed = 0;
        for (CountDownLatch l : List.of(quarter, half, threeQuarters)) {
            assertTrue(l.await(T, TimeUnit.SECONDS), "progress: " + done.get() + " of " + jobs);
            killed += admin.clientKill(KillArgs.Builder.typeNormal());
            killed += admin.clientKill(KillArgs.Builder.typePubsub());
        }
        assertTrue(killed > 0);
        producing.get(T, TimeUnit.SECONDS);
        producer.join().get(T, TimeUnit.SECONDS);
        for (int i = 0; i < jobs; i++) {
            assertTrue(executions.containsKey(Integer.toString(i)), "job " + i + " never ran");
        }
        QueueStats s = worker.stats().get(T, TimeUnit.SECONDS);
        assertEquals(0, s.unfinished(), s.toString());
        assertEquals(0, s.pending(), s.toString());
        assertEquals(0, s.dead(), s.toString());
        assertNull(admin.get("{" + name + "}:full"));
        worker.shutdown();
        pool.get(T, TimeUnit.SECONDS);
        worker.closeAsync().get(T, TimeUnit.SECONDS);
        producer.closeAsync().get(T, TimeUnit.SECONDS);
    }
}
