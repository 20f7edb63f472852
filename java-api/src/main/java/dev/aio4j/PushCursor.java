package dev.aio4j;

import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.sync.StreamChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code push}: {@code register} is called at the first pull with a {@link Sink} over the run's
 * channel; the unregister code it gives to {@link Sink#onCancel} runs once, on the loop, when the
 * run ends in any way.
 */
final class PushCursor<T> implements Cursor<T>, Sink<T> {
    private final StreamRun run;
    private final Consumer<? super Sink<T>> register;
    private final StreamChannel channel;
    private final AtomicBoolean unregistered = new AtomicBoolean();
    private volatile Runnable unregister;
    private boolean started;
    private volatile boolean ended;

    PushCursor(StreamRun run, int capacity, Overflow overflow, Consumer<? super Sink<T>> register, Consumer<Object> discard) {
        this.run = run;
        this.register = register;
        this.channel = new StreamChannel(run.loop, capacity, ProducerCursor.policy(overflow), discard, "push");
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> next() {
        if (!started) {
            started = true;
            try {
                register.accept(this);
                if (unregister == null) {
                    channel.complete(new IllegalStateException("push: register returned without calling sink.onCancel(...): the callback it"
                            + " registered would leak when the stream is cancelled; pass onCancel the code that unregisters it"));
                }
            } catch (Throwable t) {
                channel.complete(Outcomes.unwrap(t));
                unregister();
            }
        }
        return (CompletableFuture<T>) channel.receive();
    }

    @Override
    public void cancel() {
        ended = true;
        channel.cancel();
        unregister();
    }

    /**
     * Runs the unregister code once, on the loop: here if this is the loop (the run's end, via
     * {@link #cancel()}, always is, so it has run before the terminal task completes), else posted.
     */
    private void unregister() {
        if (run.loop.isLoopThread()) runUnregister();
        else run.post(this::runUnregister);
    }

    private void runUnregister() {
        Runnable r = unregister;
        if (r == null || !unregistered.compareAndSet(false, true)) return;
        try {
            r.run();
        } catch (Throwable t) {
            run.loop.reportError("exception in the onCancel code of an AsyncStream.push sink", t);
        }
    }

    // ---------------------------------------------------------------- Sink

    @Override
    public EmitResult tryEmit(T item) {
        Objects.requireNonNull(item, "item");
        return switch (channel.trySend(item)) {
            case OK -> EmitResult.OK;
            case FULL -> EmitResult.FULL;
            case CLOSED -> EmitResult.CLOSED;
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<Void> emit(T item) {
        Objects.requireNonNull(item, "item");
        return (CompletableFuture<Void>) (CompletableFuture<?>) channel.send(item, false);
    }

    @Override
    public void complete() {
        channel.complete(null);
        unregister();
    }

    @Override
    public void fail(Throwable error) {
        Objects.requireNonNull(error, "error");
        channel.complete(error);
        unregister();
    }

    @Override
    public void onCancel(Runnable unregister) {
        Objects.requireNonNull(unregister, "unregister");
        this.unregister = unregister;
        if (ended) unregister(); // the run already ended
    }

    @Override
    public String toString() {
        return "Sink[" + channel + "]";
    }
}
