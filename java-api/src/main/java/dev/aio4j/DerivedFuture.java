package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.Outcomes;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stage derived from a {@link Task} ({@code thenApply}, {@code whenComplete}, ...): cancelling it
 * cancels the root task first, so the chain's own callbacks see the cancellation, then itself.
 * Its default executor is the root's loop. With no root ({@link Task#copy()}) cancellation is local.
 */
final class DerivedFuture<T> extends CompletableFuture<T> {
    private final Task<?> root;
    private final LoopCore loop;

    DerivedFuture(Task<?> root, LoopCore loop) {
        this.root = root;
        this.loop = loop;
    }

    /**
     * Cancels the root task first, so every callback in the chain (this stage's own included) runs
     * with the {@code CancellationException}, then this stage. The root's cancellation usually
     * reaches this stage first, as a failure with a {@code CancellationException} cause; it is then
     * turned into a plain cancellation, so that {@code isCancelled()} is true whenever this method
     * returned true, as {@code Future.cancel} promises. A stage that is already done cancels nothing.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) return false;
        boolean rootCancelled = root != null && root.cancel(mayInterruptIfRunning);
        if (super.cancel(mayInterruptIfRunning)) return true;
        if (rootCancelled && Outcomes.errorOf(this) instanceof CancellationException c) {
            obtrudeException(c);
            return true;
        }
        return false;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new DerivedFuture<>(root, loop);
    }

    @Override
    public Executor defaultExecutor() {
        return Loop.of(loop);
    }

    @Override
    public CompletableFuture<T> copy() {
        DerivedFuture<T> copy = new DerivedFuture<>(null, loop);
        whenComplete((v, e) -> {
            if (e == null) copy.complete(v);
            else copy.completeExceptionally(e);
        });
        return copy;
    }

    private void checkNotOwnLoopThread(String method) {
        if (!isDone() && loop.isSingleThreaded() && loop.isLoopThread()) {
            throw new IllegalStateException(method + " on a stage of " + (root != null ? root : "a task")
                    + " from its own loop's thread would deadlock: compose with thenApply/thenCompose instead");
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkNotOwnLoopThread("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkNotOwnLoopThread("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        checkNotOwnLoopThread("join()");
        return super.join();
    }

    @Override
    public String toString() {
        return "DerivedFuture[" + (isDone() ? (isCompletedExceptionally() ? "failed" : "done") : "pending")
                + (root != null ? ", from " + root.name() : "") + "]";
    }
}
