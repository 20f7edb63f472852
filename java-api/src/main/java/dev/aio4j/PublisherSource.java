package dev.aio4j;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * {@link AsyncStream#fromPublisher}: the generator body of one run. It subscribes, requests
 * {@code prefetch} items, and replenishes once 75 % of them were taken downstream; items wait in a
 * queue that never holds more than was requested. A publisher that sends more than requested
 * fails the run (after the items that were requested), one that subscribes twice gets the second
 * subscription cancelled (rule 2.5), and a run that ends early cancels the subscription.
 */
final class PublisherSource<T> implements Flow.Subscriber<T> {
    private final Flow.Publisher<? extends T> publisher;
    private final int prefetch;
    private final int limit;
    private final Emitter<T> out;
    private final ArrayDeque<T> items = new ArrayDeque<>(); // guarded by this
    private Flow.Subscription subscription; // guarded by this
    private long outstanding; // requested, not yet received; guarded by this
    private int taken; // taken since the last replenish; loop only
    private Throwable failure; // guarded by this
    private boolean completed; // guarded by this
    private boolean over; // the run ended: later signals are ignored; guarded by this
    private CompletableFuture<Void> signal; // completed when something arrives; guarded by this

    private PublisherSource(Flow.Publisher<? extends T> publisher, int prefetch, Emitter<T> out) {
        this.publisher = publisher;
        this.prefetch = prefetch;
        this.limit = Math.max(1, prefetch - prefetch / 4);
        this.out = out;
    }

    /** The body of a run: subscribes, then passes items on until the publisher ends or the run does. */
    static <T> CompletionStage<?> run(Flow.Publisher<? extends T> publisher, int prefetch, Emitter<T> out) {
        PublisherSource<T> source = new PublisherSource<>(publisher, prefetch, out);
        publisher.subscribe(source);
        Task<Void> pump = Async.repeatWhile(source::step);
        pump.whenComplete((v, e) -> source.finish(e == null));
        return pump;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        synchronized (this) {
            if (subscription != null || over || failure != null) {
                s.cancel(); // rule 2.5: one subscription at a time
                return;
            }
            subscription = s;
            outstanding = prefetch;
        }
        s.request(prefetch);
    }

    @Override
    public void onNext(T item) {
        Flow.Subscription cancel = null;
        synchronized (this) {
            if (over || failure != null || completed) return;
            if (item == null) {
                failure = new NullPointerException("the publisher sent a null item (rule 2.13)");
                cancel = subscription;
                subscription = null; // cancelled here, not again when the run ends
            } else if (outstanding <= 0) {
                failure = new IllegalStateException("publisher sent more items than requested");
                cancel = subscription;
                subscription = null;
            } else {
                outstanding--;
                items.add(item);
            }
            wake();
        }
        if (cancel != null) cancel.cancel();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (over || failure != null || completed) return;
            failure = t != null ? t : new NullPointerException("the publisher signalled onError(null) (rule 2.13)");
            wake();
        }
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            if (over || failure != null) return;
            completed = true;
            wake();
        }
    }

    private void wake() { // under the lock
        CompletableFuture<Void> s = signal;
        signal = null;
        if (s != null) s.complete(null);
    }

    /** One step on the run's loop: the next item handed downstream, the end, or a wait for a signal. */
    private CompletionStage<Boolean> step() {
        T item;
        long replenish = 0;
        Flow.Subscription s;
        synchronized (this) {
            item = items.poll();
            if (item == null) {
                if (failure != null) return CompletableFuture.failedFuture(failure);
                if (completed) return CompletableFuture.completedFuture(false);
                CompletableFuture<Void> wait = new CompletableFuture<>();
                signal = wait;
                return wait.thenApply(v -> true);
            }
            if (++taken >= limit && failure == null && !completed) {
                replenish = taken;
                taken = 0;
                outstanding += replenish;
            }
            s = subscription;
        }
        if (replenish > 0 && s != null) s.request(replenish);
        return out.emit(item).thenApply(v -> true);
    }

    /** The run ended: a run that did not end normally cancels the subscription. */
    private void finish(boolean normally) {
        Flow.Subscription s;
        synchronized (this) {
            over = true;
            s = normally ? null : subscription;
            items.clear();
        }
        if (s != null) s.cancel();
    }
}
