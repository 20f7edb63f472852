package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.sync.StreamChannel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A stage whose upstream is pulled by a pump into a channel: {@code buffer} over a stage that is
 * not a producer, and the hand-off of an {@link AsyncIterator}. With {@link StreamChannel.Policy#SUSPEND}
 * the pump pulls one item only when the channel has room for it (a free buffer slot, or a waiting
 * receiver), so it never holds an item itself: the read-ahead is the buffer's capacity. With a
 * dropping or failing policy the pump pulls as fast as the upstream gives items and the channel's
 * policy decides what a full buffer does (the producer never waits: that is what
 * {@code conflate()} and {@code buffer(n, DROP_*)} are for). It runs as a child task of the run.
 */
final class PumpCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final Cursor<T> upstream;
    private final StreamChannel channel;
    private final StreamFuture<Void> pumpDone;
    private boolean started;
    private volatile boolean cancelled;
    private volatile boolean ended;
    private Task<?> task;
    private final StreamRun.Resume<T> itemArrived;
    /** SUSPEND: pull only into room. Otherwise pull at once and let the channel's policy drop or fail. */
    private final boolean waitsForRoom;

    PumpCursor(StreamRun run, Cursor<T> upstream, int capacity, StreamChannel.Policy policy, Consumer<Object> discard, String name) {
        this(run, upstream, new StreamChannel(run.loop, capacity, policy, discard, name), policy == StreamChannel.Policy.SUSPEND);
    }

    /** The hand-off of an iterator: a SUSPEND channel, pulled only when a {@code next()} waits. */
    PumpCursor(StreamRun run, Cursor<T> upstream, StreamChannel channel) {
        this(run, upstream, channel, true);
    }

    private PumpCursor(StreamRun run, Cursor<T> upstream, StreamChannel channel, boolean waitsForRoom) {
        this.run = run;
        this.upstream = upstream;
        this.channel = channel;
        this.waitsForRoom = waitsForRoom;
        this.pumpDone = new StreamFuture<>(run.loop, channel);
        this.itemArrived = new StreamRun.Resume<>(run) {
            @Override
            void resume(T x, Throwable e) {
                if (got(x, e)) step();
            }
        };
    }

    StreamChannel channel() {
        return channel;
    }

    /** Completes when the pump has stopped: the upstream ended or failed (into the channel), or the stage was cancelled. */
    CompletableFuture<Void> stopped() {
        return pumpDone;
    }

    /** Starts the pump (at the first {@link #next()}, or at once for an iterator). */
    void start() {
        if (started) return;
        started = true;
        task = run.spawn("AsyncStream.pump", () -> {
            run.serial(this::step);
            return pumpDone;
        });
        if (task == null) {
            cancel();
            return;
        }
        pumpDone.whenComplete((v, e) -> {
            if (pumpDone.isCancelled()) run.onLoop(this::cancel);
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> next() {
        start();
        return (CompletableFuture<T>) channel.receive();
    }

    private void step() {
        int n = 0;
        while (!ended) {
            if (cancelled || channel.isCancelled() || channel.isEnded()) {
                end();
                return;
            }
            if (waitsForRoom && !channel.awaitRoom(() -> run.post(this::step))) return;
            CompletableFuture<T> f;
            try {
                f = upstream.next();
            } catch (Throwable t) {
                got(null, t);
                return;
            }
            if (!f.isDone()) {
                run.await(f, itemArrived);
                return;
            }
            if (!got(StreamRun.valueOf(f), StreamRun.errorOf(f))) return;
            if (++n >= 256) {
                run.postYield(this::step);
                return;
            }
        }
    }

    private boolean got(T x, Throwable e) {
        if (e != null) {
            channel.complete(e);
            end();
            return false;
        }
        if (x == null) {
            channel.complete(null);
            end();
            return false;
        }
        // forced into the room the pump waited for; else the policy drops (to onDiscard) or fails (ending the channel).
        // Either way the item is discarded if the channel was cancelled meanwhile
        channel.send(x, waitsForRoom);
        return true;
    }

    private void end() {
        if (ended) return;
        ended = true;
        if (cancelled || channel.isCancelled() || channel.isEnded()) upstream.cancel();
        pumpDone.succeed(null);
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        channel.cancel();
        upstream.cancel();
        if (!ended) {
            ended = true;
            pumpDone.succeed(null);
        }
    }

    @Override
    public String toString() {
        return channel.toString();
    }
}
