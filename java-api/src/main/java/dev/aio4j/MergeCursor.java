package dev.aio4j;

import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.sync.StreamChannel;
import dev.aio4j.engine.sync.StreamFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code merge}: every input's stages are opened in the merged stream's own run, and each input is
 * pulled by a pump that is a child task of the run ({@code AsyncStream.merge[i]}), so cancelling
 * the terminal task reaches them and the run waits for their producers' cleanup. The pumps emit
 * into one rendezvous channel, each waiting until its item is accepted before pulling the next:
 * the read-ahead is one item per input. The first failure cancels the other inputs and ends the
 * channel with it (later real failures are added as suppressed); cancelling this stage cancels the
 * channel (an item being handed over goes to the discard handler) and every input.
 */
final class MergeCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final List<Input> inputs;
    private final StreamChannel channel;
    private final Consumer<Object> discard;
    private boolean started;
    private boolean cancelled;
    private int running;
    private Throwable failure;

    MergeCursor(StreamRun run, List<? extends StreamBase<? extends T>> streams, Consumer<Object> discard) {
        this.run = run;
        this.channel = new StreamChannel(run.loop, 0, StreamChannel.Policy.SUSPEND, discard, "merge");
        this.discard = discard;
        this.inputs = new ArrayList<>(streams.size());
        for (StreamBase<? extends T> s : streams) inputs.add(new Input(inputs.size(), s.open(run, discard)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> next() {
        if (!started) start();
        return (CompletableFuture<T>) channel.receive();
    }

    private void start() {
        started = true;
        running = inputs.size();
        if (running == 0) {
            channel.complete(null);
            return;
        }
        for (Input in : inputs) {
            if (cancelled) return;
            in.start();
        }
    }

    /** An input stopped: at its end (error null), or failing. */
    private void stopped(Input in, Throwable error) {
        running--;
        if (error != null && !cancelled) {
            if (failure == null) {
                failure = error;
                for (Input other : inputs) {
                    if (other != in) other.cancel();
                }
            } else if (error != failure && !(error instanceof CancellationException)) {
                failure.addSuppressed(error);
            }
        }
        if (running == 0 && !cancelled) channel.complete(failure);
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        channel.cancel();
        for (Input in : inputs) in.cancel();
    }

    @Override
    public String toString() {
        return channel.toString();
    }

    /** One input and its pump. */
    private final class Input {
        private final int index;
        private final Cursor<? extends T> cursor;
        private final StreamFuture<Void> done;
        private boolean stopped;
        private boolean cursorCancelled;

        Input(int index, Cursor<? extends T> cursor) {
            this.index = index;
            this.cursor = cursor;
            this.done = new StreamFuture<>(run.loop, channel);
        }

        void start() {
            Task<?> task = run.spawn("AsyncStream.merge[" + index + "]", () -> {
                run.serial(this::step);
                return done;
            });
            if (task == null) {
                stop(new CancellationException("the stream's run is shutting down"));
                return;
            }
            done.whenComplete((v, e) -> {
                if (done.isCancelled()) run.onLoop(this::cancel); // the run's group cancelled its children
            });
        }

        private void step() {
            int n = 0;
            while (!stopped) {
                CompletableFuture<? extends T> f;
                try {
                    f = cursor.next();
                } catch (Throwable t) {
                    stop(Outcomes.unwrap(t));
                    return;
                }
                if (!f.isDone()) {
                    run.when(f, (x, e) -> {
                        if (got(x, e)) step();
                    });
                    return;
                }
                if (!got(StreamRun.valueOf(f), StreamRun.errorOf(f))) return;
                if (++n >= PullingCursor.BATCH) {
                    run.postYield(this::step);
                    return;
                }
            }
        }

        /** True to pull again now. */
        private boolean got(T x, Throwable e) {
            if (stopped) {
                run.discard(discard, x); // arrived after this input was stopped
                return false;
            }
            if (e != null || x == null) {
                stop(e);
                return false;
            }
            CompletableFuture<Void> accepted = channel.send(x, false);
            if (accepted.isDone()) return !accepted.isCompletedExceptionally() || stopOnRefusal();
            run.when(accepted, (v, se) -> {
                if (se != null) stopOnRefusal();
                else step();
            });
            return false;
        }

        /** The channel refused an item: the consumer is gone. */
        private boolean stopOnRefusal() {
            cancel();
            return false;
        }

        private void stop(Throwable error) {
            if (stopped) return;
            stopped = true;
            if (error != null || cancelled) cancelCursor();
            stopped(this, error);
            done.succeed(null);
        }

        void cancel() {
            if (!stopped) stop(null);
            cancelCursor();
        }

        private void cancelCursor() {
            if (cursorCancelled) return;
            cursorCancelled = true;
            cursor.cancel();
        }
    }
}
