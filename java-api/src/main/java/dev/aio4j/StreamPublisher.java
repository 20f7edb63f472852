package dev.aio4j;

import dev.aio4j.engine.Outcomes;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * {@link AsyncStream#toPublisher(Loop)}: each {@code subscribe} starts a run of the stream on the
 * loop, through an iterator. Everything a subscription does runs as actions of its own serial queue,
 * drained on the loop (one drain at a time, even on the multi-threaded shared loop), so every
 * signal to the subscriber comes from the loop, one at a time (rule 1.3). Demand is counted there;
 * {@code request} and {@code cancel} may come from any thread and are queued, so a {@code request}
 * made inside {@code onNext} never recurses (rule 3.3).
 */
final class StreamPublisher<T> implements Flow.Publisher<T> {
    private final AsyncStream<T> stream;
    private final Loop loop;

    StreamPublisher(AsyncStream<T> stream, Loop loop) {
        this.stream = stream;
        this.loop = loop;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
        Run<T> run = new Run<>(stream, loop, subscriber);
        if (!run.post(run::start)) { // the loop is closed: the subscriber still hears of it, in order
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("loop is closed: " + loop.name()));
        }
    }

    @Override
    public String toString() {
        return "Publisher[" + stream + " on " + loop.name() + "]";
    }

    /** One subscription: its state is touched only by the actions of its serial queue. */
    private static final class Run<T> implements Flow.Subscription {
        private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> actions = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger wip = new java.util.concurrent.atomic.AtomicInteger();
        private final AsyncStream<T> stream;
        private final Loop loop;
        private Flow.Subscriber<? super T> subscriber; // dropped once done (rule 3.13)
        private AsyncIterator<T> it;
        private long demand;
        private boolean pumping;
        private boolean waiting; // a next() is pending
        private T held; // an item read ahead, waiting for demand
        private boolean done;

        Run(AsyncStream<T> stream, Loop loop, Flow.Subscriber<? super T> subscriber) {
            this.stream = stream;
            this.loop = loop;
            this.subscriber = subscriber;
        }

        void start() {
            it = stream.iterator();
            try {
                subscriber.onSubscribe(this);
            } catch (Throwable t) { // rule 2.13 broken: treat the subscription as cancelled
                end();
                loopError("onSubscribe threw", t);
                return;
            }
            pump(); // reads one item ahead: an empty or failed stream is signalled without a request
        }

        @Override
        public void request(long n) {
            post(() -> onRequest(n));
        }

        @Override
        public void cancel() {
            post(this::end);
        }

        /**
         * Queues {@code r}; the first action queued while none is draining starts a drain on the
         * loop. False if the loop is closed (its tasks, this run's producer among them, were
         * cancelled with it).
         */
        boolean post(Runnable r) {
            actions.add(r);
            if (wip.getAndIncrement() != 0) return true;
            try {
                loop.execute(this::drain);
                return true;
            } catch (IllegalStateException closed) {
                actions.clear();
                return false;
            }
        }

        private void drain() {
            int missed = 1;
            while (true) {
                Runnable r;
                while ((r = actions.poll()) != null) {
                    try {
                        r.run();
                    } catch (Throwable t) {
                        end();
                        loopError("an action of the subscription failed", t);
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) return;
            }
        }

        private void onRequest(long n) {
            if (done) return;
            if (n <= 0) { // rule 3.9
                Flow.Subscriber<? super T> s = subscriber;
                end();
                s.onError(new IllegalArgumentException("request(" + n + "): the number of items requested must be positive (rule 3.9)"));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n; // an overflowing sum is unbounded (rule 3.17)
            pump();
        }

        /**
         * Hands items over while there is demand, keeping one next() outstanding even without
         * demand, so the end and a failure are signalled at once (rules 1.4, 1.5: they need no
         * request); the item it brings waits in {@link #held} for demand. A next() that is not
         * ready resumes the pump when it completes.
         */
        private void pump() {
            if (pumping) return;
            pumping = true;
            try {
                while (!done) {
                    if (held != null) {
                        if (demand == 0) return;
                        T item = held;
                        held = null;
                        demand--;
                        signalNext(item);
                        continue;
                    }
                    if (waiting) return;
                    CompletableFuture<T> f = it.next();
                    if (!f.isDone()) {
                        waiting = true;
                        f.whenComplete((v, e) -> post(() -> {
                            waiting = false;
                            arrived(v, e);
                            pump();
                        }));
                        return;
                    }
                    T v;
                    try {
                        v = f.join();
                    } catch (CompletionException | CancellationException e) {
                        arrived(null, e);
                        continue;
                    }
                    arrived(v, null);
                }
            } finally {
                pumping = false;
            }
        }

        private void arrived(T item, Throwable error) {
            if (done) return;
            Flow.Subscriber<? super T> s = subscriber;
            if (error != null) {
                end();
                s.onError(Outcomes.unwrap(error));
            } else if (item == null) {
                end();
                s.onComplete();
            } else {
                held = item;
            }
        }

        private void signalNext(T item) {
            try {
                subscriber.onNext(item);
            } catch (Throwable t) { // rule 2.13 broken: the subscription is cancelled
                end();
                loopError("onNext threw", t);
            }
        }

        /** Done: no more signals; the run is closed (its producers cancelled) and the subscriber forgotten. */
        private void end() {
            if (done) return;
            done = true;
            subscriber = null;
            held = null;
            if (it != null) it.close();
        }

        private void loopError(String what, Throwable t) {
            loop.core.reportError("a Flow.Subscriber broke rule 2.13 (" + what + "); its subscription is cancelled", t);
        }
    }
}
