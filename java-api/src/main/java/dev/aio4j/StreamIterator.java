package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.TaskGroupCore;
import dev.aio4j.engine.sync.StreamChannel;
import java.util.concurrent.CompletableFuture;

/**
 * {@link AsyncStream#iterator()}: one run in its own task group, started at the first
 * {@link #next()} (or, for {@code use}, inside the terminal's run). The run's last stage is
 * pumped into a rendezvous channel only when a {@code next()} waits, so the pending calls are the
 * demand; the channel's receivers give an item back when their call is cancelled.
 */
final class StreamIterator<T> implements AsyncIterator<T> {
    private final StreamBase<T> stream;
    private final LoopCore loop;
    private final StreamChannel channel;
    private final StreamFuture<Void> closedSignal;
    private StreamRun run;
    private PumpCursor<T> pump;
    private Task<Void> group;
    private boolean inRun;
    private StreamFuture<Void> closeFuture;
    private volatile boolean closed;

    StreamIterator(StreamBase<T> stream, LoopCore loop) {
        this.stream = stream;
        this.loop = loop;
        this.closedSignal = new StreamFuture<>(loop);
        this.channel = new StreamChannel(loop, 0, StreamChannel.Policy.SUSPEND, stream.tailDiscard(), "AsyncIterator");
    }

    /** For {@code use}: runs in the given run instead of a group of its own. */
    static <T> StreamIterator<T> inRun(StreamBase<T> stream, StreamRun run) {
        StreamIterator<T> it = new StreamIterator<>(stream, run.loop);
        it.inRun = true;
        it.open(run);
        return it;
    }

    private void open(StreamRun r) {
        run = r;
        PumpCursor<T> p = new PumpCursor<>(r, stream.open(r, null), channel);
        pump = p;
        r.serial(p::start);
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> next() {
        synchronized (this) {
            if (closed) return StreamRun.failed(new IllegalStateException("iterator is closed"));
            if (!inRun && group == null) start();
        }
        return (CompletableFuture<T>) (CompletableFuture<?>) channel.receive();
    }

    private void start() {
        loop.checkOpen();
        group = Task.launch(new TaskGroupCore(loop, core -> {
            synchronized (this) {
                if (!closed) open(new StreamRun(new TaskGroup(core), loop));
            }
            return closedSignal;
        }, stream), null);
    }

    @Override
    public CompletableFuture<Void> close() {
        PumpCursor<T> p;
        StreamRun r;
        StreamFuture<Void> f;
        synchronized (this) {
            if (closeFuture != null) return closeFuture;
            closed = true;
            f = new StreamFuture<>(loop);
            closeFuture = f;
            p = pump;
            r = run;
        }
        channel.cancel();
        closedSignal.succeed(null);
        if (r != null && p != null) r.onLoop(p::cancel);
        // posted: the pending next() calls, failed by channel.cancel() through posted deliveries, complete first
        if (group != null) {
            group.whenComplete((v, e) -> loop.post(() -> f.succeed(null)));
        } else if (r != null) {
            loop.post(() -> f.succeed(null));
        } else {
            f.succeed(null);
        }
        return f;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "AsyncIterator[" + stream + (closed ? ", closed" : "") + ", " + channel + "]";
    }
}
