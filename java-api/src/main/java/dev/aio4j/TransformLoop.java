package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.Outcomes;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The producer of {@code transform(step)}: pulls the upstream and calls the step for each item,
 * the next pull only after the step's stage completed. Cancelling cancels the step in progress;
 * the producer's stage completes only once that step has reacted, so the run waits for its
 * cleanup.
 */
final class TransformLoop<T, R> implements AsyncGenerator<R> {
    private final StreamRun run;
    private final Cursor<T> upstream;
    private final Transformer<? super T, R> step;
    private final Consumer<Object> upstreamDiscard; // the onDiscard stages right above this one (for the upstream's item type), or null
    private final StreamFuture<Void> done;
    private CompletionStage<?> current;
    private boolean cancelled;
    private Emitter<R> out;
    private final StreamRun.Resume<T> itemArrived;
    private final StreamRun.Resume<Object> stepDone;

    TransformLoop(StreamRun run, Cursor<T> upstream, Transformer<? super T, R> step, Consumer<Object> upstreamDiscard) {
        this.run = run;
        this.upstream = upstream;
        this.step = step;
        this.upstreamDiscard = upstreamDiscard;
        this.done = new StreamFuture<>(run.loop);
        this.itemArrived = new StreamRun.Resume<>(run) {
            @Override
            void resume(T x, Throwable e) {
                if (got(x, e)) pull();
            }
        };
        this.stepDone = new StreamRun.Resume<>(run) {
            @Override
            void resume(Object v, Throwable se) {
                current = null;
                if (se != null) done.fail(se);
                else if (cancelled) done.fail(new CancellationException("the stream's consumer is gone"));
                else pull();
            }
        };
    }

    @Override
    public CompletionStage<?> run(Emitter<R> out) {
        this.out = out;
        run.serial(this::pull);
        return done;
    }

    private void pull() {
        int n = 0;
        while (!done.isDone() && !cancelled) {
            CompletableFuture<T> f = upstream.next();
            if (!f.isDone()) {
                run.await(f, itemArrived);
                return;
            }
            if (!got(StreamRun.valueOf(f), StreamRun.errorOf(f))) return;
            if (++n >= PullingCursor.BATCH) {
                run.postYield(this::pull);
                return;
            }
        }
    }

    private boolean got(T x, Throwable e) {
        if (cancelled) {
            run.discard(upstreamDiscard, x); // it arrived after the cancel: it never reaches the step (x null: nothing)
            done.fail(new CancellationException("the stream's consumer is gone"));
            return false;
        }
        if (e != null) {
            done.fail(e);
            return false;
        }
        if (x == null) {
            done.succeed(null);
            return false;
        }
        CompletionStage<?> s;
        try {
            s = step.apply(x, out);
            if (s == null) throw new NullPointerException("the step of transform returned null instead of a CompletionStage");
        } catch (Throwable t) {
            done.fail(Outcomes.unwrap(t));
            return false;
        }
        if (StreamRun.isDone(s)) {
            Throwable se = StreamRun.errorOf(s.toCompletableFuture());
            if (se == null) return true;
            done.fail(se);
            return false;
        }
        current = s;
        run.await(s, stepDone);
        return false;
    }

    /** On the loop: cancels the step in progress (the producer ends when it has reacted), or ends now. */
    void cancel() {
        if (cancelled) return;
        cancelled = true;
        upstream.cancel();
        CompletionStage<?> c = current;
        if (c != null) StreamRun.cancelStage(c);
        else done.fail(new CancellationException("the stream's consumer is gone"));
    }
}
