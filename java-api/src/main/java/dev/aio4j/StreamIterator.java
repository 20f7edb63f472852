package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.TaskGroupCore;
import dev.aio4j.engine.sync.StreamChannel;
import java.lang.ref.Cleaner;
import java.util.concurrent.CompletableFuture;

/**
 * {@link AsyncStream#iterator()}: one run in its own task group, started at the first
 * {@link #next()} (or, for {@code use}, inside the terminal's run). The run's last stage is
 * pumped into a rendezvous channel only when a {@code next()} waits, so the pending calls are the
 * demand; the channel's receivers give an item back when their call is cancelled.
 *
 * <p>{@link AsyncStream#iterator()} hands out an {@link Unscoped} facade instead: the run's task
 * group refers to this object, never to the facade, so a facade the caller dropped without
 * {@code close()} becomes unreachable while the run goes on; the cleaner then reports it once
 * through the loop's exception handler and closes the run <em>on its loop</em> (never on the
 * cleaner's thread).
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
        // the run is over once the stream ended or failed into the channel: its group need not wait for close()
        if (!inRun) p.stopped().whenComplete((v, e) -> closedSignal.succeed(null));
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

    /** Called on the cleaner's thread when the facade became unreachable: a started, unclosed run is reported and closed on its loop. */
    private void leaked(Throwable creationSite) {
        synchronized (this) {
            if (closed || group == null || group.isDone()) return; // never started, closed, or consumed to its end
        }
        try {
            loop.post(() -> {
                if (closed) return;
                loop.reportError("AsyncIterator was never closed: " + stream, new NeverClosed(stream, creationSite));
                close();
            });
        } catch (RuntimeException e) {
            // the loop is closed: closing it cancelled the run already
        }
    }

    /** The report of an iterator dropped without {@code close()}; its cause is the creation site in debug mode. */
    static final class NeverClosed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NeverClosed(Object stream, Throwable creationSite) {
            super("AsyncIterator was never closed: " + stream + "; it is closed now, on its loop. Close it (or consume the stream with a terminal operation or use(...)).", creationSite);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the cleaner's stack says nothing; the cause, when present, is where it was made
        }
    }

    /** Where the iterator is being made, when the loop records creation sites (debug mode); else null. */
    private static Throwable creationSite(LoopCore loop) {
        StackTraceElement[] site = Observability.creationSite(loop);
        if (site == null) return null;
        Throwable t = new Throwable("the iterator was created here", null, false, true) {};
        t.setStackTrace(site);
        return t;
    }

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "aio4j-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** The iterator {@link AsyncStream#iterator()} returns: the caller's handle, watched for being dropped unclosed. */
    static final class Unscoped<T> implements AsyncIterator<T> {
        private final StreamIterator<T> run;
        private final Cleaner.Cleanable cleanable;
        private final Throwable site;

        Unscoped(StreamBase<T> stream, LoopCore loop) {
            StreamIterator<T> r = new StreamIterator<>(stream, loop);
            Throwable site = creationSite(loop);
            this.site = site;
            this.run = r;
            this.cleanable = CLEANER.register(this, () -> r.leaked(site)); // captures the run only, never this facade
        }

        /** Test hook: what the cleaner does when this facade becomes unreachable, without waiting for the GC. */
        void dropped() {
            run.leaked(site);
        }

        @Override
        public CompletableFuture<T> next() {
            return run.next();
        }

        @Override
        public CompletableFuture<Void> close() {
            CompletableFuture<Void> f = run.close();
            cleanable.clean(); // unregisters: the run is closed, leaked() does nothing
            return f;
        }

        @Override
        public boolean isClosed() {
            return run.isClosed();
        }

        @Override
        public String toString() {
            return run.toString();
        }
    }

    @Override
    public String toString() {
        return "AsyncIterator[" + stream + (closed ? ", closed" : "") + ", " + channel + "]";
    }
}
