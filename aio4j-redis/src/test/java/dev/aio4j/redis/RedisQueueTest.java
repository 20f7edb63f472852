package dev.aio4j.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.QueueShutDownException;
import dev.aio4j.Task;
import dev.aio4j.redis.RedisServerExtension.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** RedisQueue's operations one by one, against a real redis-server. */
@ExtendWith(RedisServerExtension.class)
class RedisQueueTest {
    static final long T = 60; // seconds: a generous deadline for a loaded 2-core machine

    private final List<RedisQueue<?>> queues = new ArrayList<>();

    static String unique(TestInfo info) {
        return info.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    }

    <T> RedisQueue<T> open(RedisQueue.Builder<T> b) throws Exception {
        RedisQueue<T> q = b.build();
        queues.add(q);
        q.open().get(T, TimeUnit.SECONDS);
        return q;
    }

    @AfterEach
    void closeQueues() throws Exception {
        for (RedisQueue<?> q : queues) q.closeAsync().get(T, TimeUnit.SECONDS);
    }

    static <X> X await(java.util.concurrent.Future<X> f) throws Exception {
        return f.get(T, TimeUnit.SECONDS);
    }

    static Throwable failure(java.util.concurrent.Future<?> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(T, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void putGetAckJoin(RedisServer redis, TestInfo info) throws Exception {
        RedisClient client = redis.client();
        RedisQueue<String> q = open(RedisQueue.builder(client, unique(info), JobCodec.utf8()));
        String id = await(q.put("hello"));
        Delivery<String> d = await(q.get());
        assertEquals(id, d.id());
        assertEquals("hello", d.item());
        assertEquals(1, d.deliveryCount());
        assertEquals(q.consumerName(), d.consumer());
        Task<Void> join = q.join();
        QueueStats before = await(q.stats());
        assertEquals(1, before.pending());
        assertEquals(1, before.unfinished());
        await(q.taskDone(d));
        await(join);
        QueueStats after = await(q.stats());
        assertEquals(0, after.unfinished());
        assertEquals(0, after.pending());
        assertEquals(0, after.ready());
        assertTrue(after.consumers().containsKey(q.consumerName()), after.toString());
    }

    @Test
    void continuationsRunOnTheCallersLoopNeverOnANettyThread(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(), unique(info), JobCodec.utf8()));
        try (Loop loop = Loop.create("redis-test-loop")) {
            AtomicReference<String> threads = new AtomicReference<>("");
            Task<Void> t = loop.task(() -> q.put("x")
                    .thenApply(id -> { threads.updateAndGet(s -> s + Thread.currentThread().getName() + ";"); return id; })
                    .thenCompose(id -> q.get())
                    .thenApply(d -> { threads.updateAndGet(s -> s + Thread.currentThread().getName() + ";"); return d; })
                    .thenCompose(Delivery::ack)
                    .thenApply(v -> { threads.updateAndGet(s -> s + Thread.currentThread().getName() + ";"); return null; }));
            await(t);
            for (String name : threads.get().split(";")) {
                assertEquals("aio4j-loop-redis-test-loop", name, threads.get()); // the loop's thread, never Netty's
            }
            assertEquals(3, threads.get().split(";").length, threads.get());
        }
    }

    /**
     * lettuce #1179: a blocking read that outlasts the client's command timeout. The queue raises
     * the timeout of its dedicated reader connection above {@code blockTimeout}; otherwise the
     * job would arrive on a read the client had already given up on, and stay pending (here for
     * ten minutes) instead of being handed out.
     */
    @Test
    void aBlockingReadOutlastsTheClientsCommandTimeout(RedisServer redis, TestInfo info) throws Exception {
        String name = unique(info);
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(Duration.ofSeconds(1)), name, JobCodec.utf8())
                .blockTimeout(Duration.ofSeconds(4)).visibilityTimeout(Duration.ofMinutes(10)));
        RedisQueue<String> producer = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8()));
        Task<Delivery<String>> g = q.get();
        // shapes the scenario (not a synchronisation): the job arrives after the client's timeout
        await(Async.sleep(Duration.ofMillis(1500)));
        await(producer.put("late"));
        Delivery<String> d = await(g);
        assertEquals("late", d.item());
        assertEquals(1, d.deliveryCount());
        await(d.ack());
        await(producer.join());
    }

    @Test
    void aSecondAckOfTheSameDeliveryIsRefusedAndCountsOnce(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(), unique(info), JobCodec.utf8()));
        await(q.put("a"));
        await(q.put("b"));
        Delivery<String> d = await(q.get());
        await(d.ack());
        assertInstanceOf(LeaseLostException.class, failure(d.ack()));
        assertEquals(1, await(q.stats()).unfinished());
        assertEquals(1, await(q.stats()).leasesLost());
    }

    @Test
    void retryKeepsTheJobIdAndCountsTheDelivery(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(), unique(info), JobCodec.utf8()));
        String id = await(q.put("job"));
        Delivery<String> d1 = await(q.get());
        await(d1.retry(Duration.ZERO));
        Delivery<String> d2 = await(q.get());
        assertEquals(id, d2.id());
        assertEquals(2, d2.deliveryCount());
        await(d2.retry(Duration.ofMillis(200))); // through the delayed set and the mover
        assertEquals(1, await(q.stats()).unfinished());
        Delivery<String> d3 = await(q.get());
        assertEquals(3, d3.deliveryCount());
        assertEquals("job", d3.item());
        assertInstanceOf(LeaseLostException.class, failure(d1.ack()));
        await(d3.ack());
        await(q.join());
    }

    @Test
    void releaseGivesTheJobBackWithoutCountingAFailure(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(), unique(info), JobCodec.utf8()));
        String id = await(q.put("job"));
        Delivery<String> d1 = await(q.get());
        await(d1.release());
        Delivery<String> d2 = await(q.get());
        assertEquals(id, d2.id());
        assertEquals(1, d2.deliveryCount());
        assertInstanceOf(LeaseLostException.class, failure(d1.extend(Duration.ofSeconds(1))));
        await(d2.extend(Duration.ofSeconds(30)));
        await(d2.ack());
        await(q.join());
    }

    @Test
    void anExpiredLeaseIsClaimedByAnotherConsumerAndTheOldHolderIsFenced(RedisServer redis, TestInfo info) throws Exception {
        String name = unique(info);
        RedisQueue<String> a = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofMillis(300)).consumerName("a"));
        RedisQueue<String> b = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofMillis(300)).consumerName("b"));
        await(a.put("job"));
        Delivery<String> da = await(a.get());
        Delivery<String> db = await(b.get()); // claimed once a's lease expired
        assertEquals(da.id(), db.id());
        assertEquals(2, db.deliveryCount());
        assertEquals("b", db.consumer());
        assertInstanceOf(LeaseLostException.class, failure(da.ack()));
        assertInstanceOf(LeaseLostException.class, failure(da.retry(Duration.ZERO)));
        assertInstanceOf(LeaseLostException.class, failure(da.deadLetter("late")));
        assertInstanceOf(LeaseLostException.class, failure(da.release()));
        assertEquals(1, await(b.stats()).unfinished());
        await(db.ack());
        await(a.join());
        assertEquals(0, await(a.stats()).unfinished());
    }

    @Test
    void aRestartUnderTheSameConsumerNameResumesItsPendingJobsFirst(RedisServer redis, TestInfo info) throws Exception {
        String name = unique(info);
        RedisQueue<String> before = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8()).consumerName("same"));
        String id = await(before.put("job"));
        await(before.put("next"));
        Delivery<String> d = await(before.get());
        await(before.closeAsync()); // "crashes" holding the job
        RedisQueue<String> after = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8()).consumerName("same"));
        Delivery<String> again = await(after.get());
        assertEquals(id, again.id());
        assertEquals(d.deliveryCount(), again.deliveryCount());
        await(again.ack());
        Delivery<String> next = await(after.get());
        assertEquals("next", next.item());
        await(next.ack());
        await(after.join());
    }

    @Test
    void extendKeepsTheLease(RedisServer redis, TestInfo info) throws Exception {
        String name = unique(info);
        RedisQueue<String> a = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofSeconds(1)).consumerName("a"));
        RedisQueue<String> b = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofSeconds(1)).consumerName("b"));
        await(a.put("job"));
        Delivery<String> da = await(a.get());
        await(da.extend(Duration.ofHours(1)));  // idle 0: with visibilityTimeout 1 s, claimable after 1 s
        RedisCommands<String, String> admin = redis.admin().sync();
        // the extension did not raise the delivery counter (checked on the server)
        var pending = admin.xpending("{" + name + "}:stream", "workers", io.lettuce.core.Range.create("-", "+"),
                io.lettuce.core.Limit.create(0, 10));
        assertEquals(1, pending.size());
        assertEquals(1, pending.get(0).getRedeliveryCount());
        await(da.ack());
        Task<Delivery<String>> g = b.get();
        assertFalse(g.isDone());
        g.cancel(true);
        await(a.join());
    }

    @Test
    void aPoisonJobIsDeadLetteredAfterMaxDeliveriesAndJoinCompletes(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(), unique(info), JobCodec.utf8()).maxDeliveries(3));
        String id = await(q.put("poison"));
        AtomicInteger runs = new AtomicInteger();
        List<Integer> counts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task<Void> pool = q.work(WorkerOptions.concurrency(2).withBackoff(n -> Duration.ZERO), d -> {
            runs.incrementAndGet();
            counts.add(d.deliveryCount());
            throw new IllegalArgumentException("bad job " + d.item());
        });
        await(q.join());
        assertEquals(3, runs.get());
        assertEquals(List.of(1, 2, 3), counts);
        List<DeadLetter<String>> dead = await(q.deadLetters().toList());
        assertEquals(1, dead.size());
        assertEquals(id, dead.get(0).id());
        assertEquals("poison", dead.get(0).item());
        assertEquals(3, dead.get(0).deliveries());
        assertTrue(dead.get(0).reason().contains("bad job poison"), dead.get(0).reason());
        QueueStats s = await(q.stats());
        assertEquals(1, s.dead());
        assertEquals(0, s.unfinished());
        q.shutdown();
        await(pool);
        assertEquals(1L, await(q.requeueDeadLetters()));
        assertEquals(1, await(q.stats()).unfinished());
        assertEquals(0, await(q.stats()).dead());
    }

    @Test
    void aJobClaimedPastMaxDeliveriesIsDeadLetteredByTheClaimer(RedisServer redis, TestInfo info) throws Exception {
        String name = unique(info);
        RedisQueue<String> a = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .visibilityTimeout(Duration.ofMillis(200)).maxDeliveries(1).consumerName("a"));
        await(a.put("job"));
        Delivery<String> da = await(a.get());
        assertEquals(1, da.deliveryCount());
        Task<Void> join = a.join();
        Task<Delivery<String>> g = a.get(); // the claimer finds the expired lease: a 2nd delivery would exceed 1
        await(join);
        assertFalse(g.isDone());
        g.cancel(true);
        List<DeadLetter<String>> dead = await(a.deadLetters().toList());
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).reason().contains("maxDeliveries 1"), dead.get(0).reason());
        assertInstanceOf(LeaseLostException.class, failure(da.ack()));
    }

    @Test
    void putWaitsAtMaxsizeUntilAJobIsDoneAndACancelledPutAddsNothing(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<Integer> q = open(RedisQueue.builder(redis.client(), unique(info), new IntCodec()).maxsize(10));
        for (int i = 0; i < 10; i++) await(q.put(i));
        Task<String> eleventh = q.put(10);
        Task<String> twelfth = q.put(11);
        // the queue stays full while nothing is done: both attempts keep finding it full
        await(q.stats());
        await(q.stats());
        assertFalse(eleventh.isDone());
        twelfth.cancel(true);
        Delivery<Integer> first = await(q.get());
        assertFalse(eleventh.isDone());
        await(first.ack()); // room for one: the eleventh put goes in
        await(eleventh);
        assertEquals(10, await(q.stats()).unfinished());
        List<Integer> seen = new ArrayList<>();
        seen.add(first.item());
        for (int i = 0; i < 10; i++) {
            Delivery<Integer> d = await(q.get());
            seen.add(d.item());
            await(d.ack());
        }
        await(q.join());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), seen);
        assertEquals(0, await(q.stats()).ready());
    }

    @Test
    void shutdownFailsWaitingGetsAndEndsPoolsNormally(RedisServer redis, TestInfo info) throws Exception {
        RedisQueue<String> q = open(RedisQueue.builder(redis.client(), unique(info), JobCodec.utf8()));
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        Task<Void> pool = q.work(1, item -> {
            started.complete(null);
            return finish;
        });
        await(q.put("running"));
        await(started);
        Task<Delivery<String>> g = q.get(); // waits: the only job is running in the pool
        q.shutdown();
        assertInstanceOf(QueueShutDownException.class, failure(g));
        assertInstanceOf(QueueShutDownException.class, failure(q.get()));
        assertFalse(pool.isDone());
        finish.complete(null);
        await(pool);
        await(q.join()); // the running job was acked
    }

    @Test
    void cancellingThePoolReleasesTheRunningJobForOthers(RedisServer redis, TestInfo info) throws Exception {
        String name = unique(info);
        RedisQueue<String> a = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8()).consumerName("a"));
        RedisQueue<String> b = open(RedisQueue.builder(redis.client(), name, JobCodec.utf8()).consumerName("b"));
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Object> never = new CompletableFuture<>();
        Task<Void> pool = a.work(1, item -> {
            started.complete(null);
            return never;
        });
        await(a.put("job"));
        await(started);
        pool.cancel(true);
        Delivery<String> d = await(b.get()); // released: at once, not after a lease
        assertEquals(1, d.deliveryCount());
        // the handler's stage is cancelled too (on the pool's loop, perhaps after the release went out)
        boolean handlerCancelled = await(never.handle((v, e) -> never.isCancelled()));
        assertTrue(handlerCancelled);
        await(d.ack());
        await(b.join());
    }

    @Test
    void argumentsAreCheckedAtTheCall(RedisServer redis, TestInfo info) {
        RedisClient c = redis.client();
        assertThrows(NullPointerException.class, () -> RedisQueue.builder(null, "q", JobCodec.utf8()));
        assertThrows(IllegalArgumentException.class, () -> RedisQueue.builder(c, "", JobCodec.utf8()));
        var b = RedisQueue.builder(c, "q", JobCodec.utf8());
        assertThrows(IllegalArgumentException.class, () -> b.maxsize(-1));
        assertThrows(IllegalArgumentException.class, () -> b.visibilityTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.maxDeliveries(0));
        assertThrows(IllegalArgumentException.class, () -> b.leaseRenewal(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> WorkerOptions.concurrency(0));
        RedisQueue<String> notOpen = b.build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> notOpen.put("x"));
        assertTrue(e.getMessage().contains("open()"), e.getMessage());
        assertNotEquals("", notOpen.toString());
    }

    /** Integers as decimal text. */
    static final class IntCodec implements JobCodec<Integer> {
        @Override
        public byte[] encode(Integer item) {
            return RedisQueue.bytes(item.toString());
        }

        @Override
        public Integer decode(byte[] bytes) {
            return Integer.valueOf(RedisQueue.string(bytes));
        }
    }
}
