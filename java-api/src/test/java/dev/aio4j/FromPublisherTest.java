package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AsyncStream#fromPublisher}: well-behaved publishers, demand, cancellation, and publishers that break the rules. */
@Timeout(60)
class FromPublisherTest {

    /** A publisher the test scripts: {@code script} runs with the subscriber, recording requests and cancels. */
    static final class Scripted implements Flow.Publisher<Integer> {
        final List<Long> requests = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger cancels = new AtomicInteger();
        final Consumer<Flow.Subscriber<? super Integer>> script;

        Scripted(Consumer<Flow.Subscriber<? super Integer>> script) {
            this.script = script;
        }

        Flow.Subscription subscription() {
            return new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requests.add(n);
                }

                @Override
                public void cancel() {
                    cancels.incrementAndGet();
                }
            };
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Integer> s) {
            s.onSubscribe(subscription());
            script.accept(s);
        }
    }

    @Test
    void itemsOfAJdkPublisherArriveInOrder() throws Exception {
        List<Integer> got = Loop.run(() -> {
            SubmissionPublisher<Integer> p = new SubmissionPublisher<>();
            Task<List<Integer>> all = AsyncStream.<Integer>fromPublisher(p, 4).toList();
            Async.toThread(() -> {
                while (p.getNumberOfSubscribers() == 0) Thread.onSpinWait();
                for (int i = 0; i < 100; i++) p.submit(i);
                p.close();
                return null;
            });
            return all;
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) expected.add(i);
        assertEquals(expected, got);
    }

    @Test
    void itRequestsThePrefetchThenReplenishesAtThreeQuarters() throws Exception {
        List<Long> requests = Collections.synchronizedList(new ArrayList<>());
        Flow.Publisher<Integer> onDemand = s -> s.onSubscribe(new Flow.Subscription() { // sends what is asked for, 20 in all
            int next;
            boolean ended;

            @Override
            public void request(long n) {
                requests.add(n);
                for (long k = 0; k < n && next < 20; k++) s.onNext(next++);
                if (next == 20 && !ended) {
                    ended = true;
                    s.onComplete();
                }
            }

            @Override
            public void cancel() {}
        });
        List<Integer> got = Loop.run(() -> AsyncStream.<Integer>fromPublisher(onDemand, 8).toList());
        assertEquals(20, got.size());
        assertEquals(List.of(8L, 6L, 6L), requests, "the prefetch, then 6 more each time 6 of 8 were taken");
    }

    @Test
    void overDeliveryFailsTheStreamAfterTheRequestedItems() {
        Scripted p = new Scripted(s -> {
            for (int i = 0; i < 3; i++) s.onNext(i); // prefetch is 2: the third was never requested
        });
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Loop.run(() -> AsyncStream.<Integer>fromPublisher(p, 2).forEach(seen::add)));
        assertEquals("publisher sent more items than requested", e.getMessage());
        assertEquals(List.of(0, 1), seen);
        assertEquals(1, p.cancels.get(), "the subscription is cancelled");
    }

    @Test
    void aSecondOnSubscribeIsCancelled() throws Exception {
        Scripted second = new Scripted(s -> {});
        Scripted p = new Scripted(s -> {
            s.onSubscribe(second.subscription()); // rule 2.5
            s.onNext(1);
            s.onComplete();
        });
        Flow.Publisher<Integer> twice = s -> {
            p.subscribe(s);
        };
        List<Integer> got = Loop.run(() -> AsyncStream.<Integer>fromPublisher(twice, 4).toList());
        assertEquals(List.of(1), got);
        assertEquals(1, second.cancels.get());
        assertEquals(0, p.cancels.get());
    }

    @Test
    void signalsAfterTheEndAreIgnored() throws Exception {
        Scripted p = new Scripted(s -> {
            s.onNext(1);
            s.onComplete();
            s.onNext(2); // after onComplete
            s.onError(new IOException("late"));
        });
        assertEquals(List.of(1), Loop.run(() -> AsyncStream.<Integer>fromPublisher(p, 4).toList()));
    }

    @Test
    void onErrorFailsTheStream() {
        Scripted p = new Scripted(s -> {
            s.onNext(1);
            s.onError(new IOException("down"));
        });
        IOException e = assertThrows(IOException.class, () -> Loop.run(() -> AsyncStream.<Integer>fromPublisher(p, 4).toList()));
        assertEquals("down", e.getMessage());
    }

    @Test
    void aStreamThatStopsEarlyCancelsTheSubscription() throws Exception {
        Scripted p = new Scripted(s -> {
            for (int i = 0; i < 10; i++) s.onNext(i);
        });
        assertEquals(List.of(0, 1, 2), Loop.run(() -> AsyncStream.<Integer>fromPublisher(p, 16).take(3).toList()));
        assertEquals(1, p.cancels.get());
    }

    @Test
    void aRoundTripThroughToPublisherKeepsEveryItem() throws Exception {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) items.add(i);
        Flow.Publisher<Integer> pub = AsyncStream.fromIterable(items).toPublisher();
        assertEquals(items, Loop.run(() -> AsyncStream.<Integer>fromPublisher(pub, 1).toList()));
        assertEquals(items, Loop.run(() -> AsyncStream.<Integer>fromPublisher(pub, 64).toList()));
    }

    @Test
    void aSubscriberSeesItsSignalsOnTheLoopThread() throws Exception {
        try (Loop loop = Loop.create("publisher-home")) {
            List<String> threads = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            AsyncStream.of(1, 2, 3).toPublisher(loop).subscribe(new Flow.Subscriber<Integer>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    threads.add(Thread.currentThread().getName());
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Integer item) {
                    threads.add(Thread.currentThread().getName());
                }

                @Override
                public void onError(Throwable t) {
                    done.countDown();
                }

                @Override
                public void onComplete() {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                }
            });
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(5, threads.size());
            assertTrue(threads.stream().allMatch("aio4j-loop-publisher-home"::equals), threads::toString);
        }
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(NullPointerException.class, () -> AsyncStream.fromPublisher(null, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AsyncStream.fromPublisher(s -> {}, 0));
        assertTrue(e.getMessage().contains("prefetch"), e.getMessage());
        assertThrows(NullPointerException.class, () -> AsyncStream.of(1).toPublisher(null));
        assertThrows(NullPointerException.class, () -> AsyncStream.of(1).toPublisher().subscribe(null));
        assertInstanceOf(Flow.Publisher.class, AsyncStream.of(1).toPublisher());
    }
}
