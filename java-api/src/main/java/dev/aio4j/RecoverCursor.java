package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/** {@code recover(fn)}: on the upstream's first failure (not a cancellation) continues with the fallback stream, once. */
final class RecoverCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final Function<? super Throwable, ? extends AsyncStream<T>> fallback;
    private final Consumer<Object> discard;
    private Cursor<T> current;
    private boolean recovered;
    private boolean cancelled;

    RecoverCursor(StreamRun run, Cursor<T> upstream, Function<? super Throwable, ? extends AsyncStream<T>> fallback, Consumer<Object> discard) {
        this.run = run;
        this.current = upstream;
        this.fallback = fallback;
        this.discard = discard;
    }

    @Override
    public CompletableFuture<T> next() {
        CompletableFuture<T> f = current.next();
        if (recovered) return f;
        if (f.isDone()) {
            Throwable e = StreamRun.errorOf(f);
            return e == null ? f : recover(e);
        }
        StreamFuture<T> out = new StreamFuture<>(run.loop);
        run.when(f, (x, e) -> {
            CompletableFuture<T> r = e == null ? StreamRun.done(x) : recover(e);
            r.whenComplete((y, e2) -> {
                if (e2 != null) out.fail(StreamRun.errorOf(r));
                else out.succeed(y);
            });
        });
        return out;
    }

    private CompletableFuture<T> recover(Throwable e) {
        if (e instanceof CancellationException || cancelled) return StreamRun.failed(e);
        recovered = true;
        current.cancel();
        AsyncStream<T> s;
        try {
            s = Objects.requireNonNull(fallback.apply(e), "the function of recover returned null instead of a stream");
        } catch (Throwable t) {
            if (t != e) t.addSuppressed(e);
            return StreamRun.failed(t);
        }
        current = StreamBase.base(s).open(run, discard);
        return current.next();
    }

    @Override
    public void cancel() {
        cancelled = true;
        current.cancel();
    }
}
