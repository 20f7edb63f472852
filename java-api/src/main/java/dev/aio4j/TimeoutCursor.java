package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code timeout(d)}: each pull of the upstream runs under {@link Async#waitFor}, so the timer
 * covers only the wait for the next item and an item that arrives as the deadline passes wins.
 * On a timeout the upstream is cancelled (an item that arrives later is discarded) and the stage
 * fails with {@link TimeoutException}.
 */
final class TimeoutCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final Cursor<T> upstream;
    private final Duration timeout;
    private final Consumer<Object> discard;
    private boolean timedOut;

    TimeoutCursor(StreamRun run, Cursor<T> upstream, Duration timeout, Consumer<Object> discard) {
        this.run = run;
        this.upstream = upstream;
        this.timeout = timeout;
        this.discard = discard;
    }

    @Override
    public CompletableFuture<T> next() {
        CompletableFuture<T> f = upstream.next();
        if (f.isDone()) return f;
        StreamFuture<T> view = new StreamFuture<>(run.loop); // waitFor cancels this, never f
        f.whenComplete((x, e) -> {
            boolean took = e != null ? view.fail(e) : view.succeed(x);
            if (!took && e == null) run.discard(discard, x);
        });
        StreamFuture<T> out = new StreamFuture<>(run.loop);
        Task<T> w = Async.waitFor(view, timeout);
        run.when(w, (x, e) -> {
            if (e instanceof TimeoutException) {
                timedOut = true;
                upstream.cancel();
                out.fail(new TimeoutException("no item within " + timeout));
            } else if (e != null) {
                out.fail(e);
            } else {
                out.succeed(x);
            }
        });
        return out;
    }

    @Override
    public void cancel() {
        upstream.cancel();
    }

    @Override
    public String toString() {
        return "timeout(" + timeout + (timedOut ? ", timed out" : "") + ")";
    }
}
