package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.TaskCore;
import dev.aio4j.engine.sync.Waiter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One run of a stream (internal): the task group of its terminal task (producers, pumps and
 * {@code mapAsync} calls are its children) and its loop.
 */
final class StreamRun {
    final TaskGroup group;
    final LoopCore loop;

    StreamRun(TaskGroup group, LoopCore loop) {
        this.group = group;
        this.loop = loop;
    }

    /**
     * Runs {@code r} on the run's loop: here if this is a loop thread, else posted; under the
     * run's monitor, so that on a multi-threaded loop (the shared one) the stages of one run are
     * still driven one step at a time. User code that stages call (map, filter, ...) runs under
     * it too; producers' bodies and {@code mapAsync} calls do not.
     */
    void onLoop(Runnable r) {
        if (loop.isLoopThread()) serial(r);
        else post(r);
    }

    /** Runs {@code r} here, under the run's monitor. */
    void serial(Runnable r) {
        synchronized (this) {
            r.run();
        }
    }

    /** Runs {@code r} on the loop soon, under the run's monitor. */
    void post(Runnable r) {
        loop.post(() -> serial(r));
    }

    /** Runs {@code r} on the loop after the tasks ready now (a yield), under the run's monitor. */
    void postYield(Runnable r) {
        loop.postYield(() -> serial(r));
    }

    /** A child task of the run, or null if the group no longer starts children (it is shutting down). */
    <T> Task<T> spawn(String name, AsyncCallable<T> body) {
        try {
            return group.task(name, body);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /**
     * A stage's continuation that is made once and reused for each of its waits (a stage waits for
     * one thing at a time): {@link #resume} runs on the run's loop, under the run's monitor, with
     * the outcome (a failure unwrapped). Given to {@link #await}.
     */
    abstract static class Resume<X> implements BiConsumer<Object, Throwable> {
        private final StreamRun run;

        Resume(StreamRun run) {
            this.run = run;
        }

        abstract void resume(X value, Throwable error);

        @Override
        @SuppressWarnings("unchecked")
        public final void accept(Object x, Throwable e) {
            Throwable err = e == null ? null : Outcomes.unwrap(e);
            if (run.loop.isLoopThread()) {
                synchronized (run) {
                    resume((X) x, err);
                }
            } else {
                run.post(() -> resume((X) x, err));
            }
        }
    }

    /**
     * Calls {@code r} once {@code f} completes: a waiter of the run (a hand-off) takes it as its one
     * listener, with no derived stage allocated; any other stage through {@code whenComplete}.
     */
    void await(CompletionStage<?> f, Resume<?> r) {
        if (f instanceof Waiter<?> w && w.listen(r)) return;
        f.whenComplete(r);
    }

    /**
     * Calls {@code k} once with the outcome of {@code f} (a failure unwrapped), on the loop under the
     * run's monitor: {@link #await} with a one-off continuation, for a stage that waits too rarely to
     * keep one of its own.
     */
    <X> void when(CompletionStage<X> f, BiConsumer<? super X, Throwable> k) {
        await(f, new Resume<X>(this) {
            @Override
            void resume(X x, Throwable e) {
                k.accept(x, e);
            }
        });
    }

    /** Passes {@code item} to {@code discard} (if any) on the loop; a throwing handler goes to the loop's exception handler. */
    void discard(Consumer<Object> discard, Object item) {
        if (discard == null || item == null) return;
        onLoop(() -> {
            try {
                discard.accept(item);
            } catch (Throwable t) {
                loop.reportError("exception in an AsyncStream onDiscard consumer", t);
            }
        });
    }

    /** Cancels a stage as aio4j cancels what a task awaits. */
    static void cancelStage(Object stage) {
        if (stage != null) TaskCore.cancelStage(stage, null);
    }

    static boolean isDone(CompletionStage<?> s) {
        return TaskCore.isStageDone(s);
    }

    static Throwable errorOf(CompletableFuture<?> f) {
        return Outcomes.errorOf(f);
    }

    /** The value of a completed future, or null if it failed (read its failure with {@link #errorOf}). */
    @SuppressWarnings("unchecked")
    static <X> X valueOf(CompletableFuture<X> f) {
        return f.isCompletedExceptionally() ? null : (X) Outcomes.valueOf(f);
    }

    static <X> CompletableFuture<X> done(X x) {
        return CompletableFuture.completedFuture(x);
    }

    static <X> CompletableFuture<X> failed(Throwable e) {
        return CompletableFuture.failedFuture(e);
    }

    /** Both handlers (either may be null). */
    static Consumer<Object> both(Consumer<Object> a, Consumer<Object> b) {
        if (a == null) return b;
        if (b == null) return a;
        return x -> {
            try {
                a.accept(x);
            } finally {
                b.accept(x);
            }
        };
    }
}
