package dev.aio4j.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aio4j.Task;
import dev.aio4j.redis.RedisServerExtension.RedisServer;
import dev.aio4j.test.TestLoop;
import dev.aio4j.test.TestLoopExtension;
import dev.aio4j.test.VirtualTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link RedisQueue} driven from a {@link TestLoop} without auto-advance, as its class Javadoc
 * advises: Redis round trips take real time and zero virtual time; the lease renewal of
 * {@link RedisQueue#work} runs on the loop's (virtual) timers, so it happens only when the test
 * moves the clock; the lease itself expires by the server's (real) clock.
 */
@ExtendWith({RedisServerExtension.class, TestLoopExtension.class})
@VirtualTime(autoAdvance = false, timeout = "PT60S")
class RedisQueueOnTestLoopTest {

    @Test
    void putGetAckAndJoinTakeRealTimeAndNoVirtualTime(RedisServer redis, TestInfo info, TestLoop loop) throws Exception {
        RedisQueue<String> q = RedisQueue.builder(redis.client(), RedisQueueTest.unique(info), JobCodec.utf8()).build();
        loop.run(q::open);
        try {
            String id = loop.run(() -> q.put("hello"));
            Delivery<String> d = loop.run(q::get);
            assertEquals(id, d.id());
            assertEquals("hello", d.item());
            loop.run(d::ack);
            loop.run(q::join);
            assertEquals(0, loop.run(q::stats).unfinished());
            assertEquals(Duration.ZERO, loop.now());
        } finally {
            loop.run(q::closeAsync);
        }
    }

    @Test
    void aLeaseIsRenewedOnlyWhenTheTestMovesTheClockButExpiresInRealTime(RedisServer redis, TestInfo info, TestLoop loop)
            throws Exception {
        String name = RedisQueueTest.unique(info);
        Duration renewal = Duration.ofMillis(200);
        RedisQueue<String> a = RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .consumerName("a").visibilityTimeout(Duration.ofSeconds(1)).leaseRenewal(renewal).build();
        RedisQueue<String> b = RedisQueue.builder(redis.client(), name, JobCodec.utf8())
                .consumerName("b").visibilityTimeout(Duration.ofSeconds(1)).build();
        CompletableFuture<Delivery<String>> started = new CompletableFuture<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        loop.run(a::open);
        loop.run(b::open);
        try {
            String id = loop.run(() -> a.put("job"));
            Task<Void> pool = loop.task("pool", () -> a.work(WorkerOptions.concurrency(1), d -> {
                started.complete(d);
                return finish;
            }));
            assertEquals(id, loop.run(() -> started).id());

            // the handler runs while the virtual clock stands still: no renewal is sent, and after a
            // second of real time (the server's clock) consumer b claims the job
            Delivery<String> stolen = loop.run(b::get);
            assertEquals(id, stolen.id());
            assertEquals(2, stolen.deliveryCount());
            assertEquals("b", stolen.consumer());
            assertEquals(Duration.ZERO, loop.now());
            assertEquals(0, loop.run(a::stats).leasesLost(), "no renewal was attempted");

            // moving the clock by one renewal period sends the renewal: too late, it is fenced
            loop.advanceBy(renewal);
            assertEquals(1, loop.run(a::stats).leasesLost(), "the renewal was attempted and refused");

            // the stale handler's ack is refused too; b's settles the job
            a.shutdown();
            finish.complete(null);
            loop.run(() -> pool);
            assertEquals(2, loop.run(a::stats).leasesLost());
            loop.run(stolen::ack);
            loop.run(b::join);
            assertFalse(pool.isCompletedExceptionally());
        } finally {
            finish.complete(null);
            loop.run(a::closeAsync);
            loop.run(b::closeAsync);
        }
    }
}
