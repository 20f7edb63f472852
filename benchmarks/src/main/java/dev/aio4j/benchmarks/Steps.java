package dev.aio4j.benchmarks;

import dev.aio4j.Loop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Asynchronous loops for task code written with futures: the Java spelling of a
 * {@code for}/{@code while} around {@code await}. A step whose stage is already complete continues
 * at once, in a loop (no recursion); one that must wait continues when its stage completes, on the
 * thread that completed it while the stack is shallow, else through the current {@link Loop}, so
 * that two loops handing work to each other never grow the stack without bound.
 *
 * <p>Call these from task code (they capture {@link Loop#current()}).
 */
public final class Steps {
    private static final int MAX_INLINE_DEPTH = 32;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Steps() {}

    /**
     * Runs {@code step.apply(0)}, ..., {@code step.apply(n - 1)}, each once the stage of the one
     * before has completed. The result completes when the last one has, or fails with the first
     * failure (and stops there).
     */
    public static CompletableFuture<Void> repeat(int n, IntFunction<? extends CompletionStage<?>> step) {
        Runner<Object> r = new Runner<>() {
            private int i;

            @Override
            CompletionStage<?> next() {
                return i < n ? step.apply(i++) : null;
            }

            @Override
            boolean handle(Object value) {
                return true;
            }
        };
        r.run();
        return r.done;
    }

    /**
     * Takes values from {@code source} (one stage at a time) and hands each to {@code handler} until
     * it returns false: a consumer loop over {@code queue::get}.
     */
    public static <T> CompletableFuture<Void> drain(Supplier<? extends CompletionStage<T>> source, Predicate<? super T> handler) {
        Runner<T> r = new Runner<>() {
            @Override
            CompletionStage<? extends T> next() {
                return source.get();
            }

            @Override
            boolean handle(T value) {
                return handler.test(value);
            }
        };
        r.run();
        return r.done;
    }

    private abstract static class Runner<T> implements BiConsumer<T, Throwable>, Runnable {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Executor loop = Loop.current().orElseThrow(
                () -> new IllegalStateException("Steps must be called from task code (on a loop)"));

        /** The next stage to wait for, or null when the loop is over. */
        abstract CompletionStage<? extends T> next();

        /** Takes a stage's value; false ends the loop. */
        abstract boolean handle(T value);

        @Override
        @SuppressWarnings("unchecked")
        public void run() {
            while (true) {
                CompletableFuture<T> f;
                try {
                    CompletionStage<? extends T> s = next();
                    if (s == null) {
                        done.complete(null);
                        return;
                    }
                    f = (CompletableFuture<T>) s.toCompletableFuture();
                    if (!f.isDone()) {
                        f.whenComplete(this);
                        return;
                    }
                    if (!handle(f.join())) {
                        done.complete(null);
                        return;
                    }
                } catch (Throwable t) {
                    done.completeExceptionally(unwrap(t));
                    return;
                }
            }
        }

        @Override
        public void accept(T value, Throwable error) {
            try {
                if (error != null) {
                    done.completeExceptionally(unwrap(error));
                    return;
                }
                if (!handle(value)) {
                    done.complete(null);
                    return;
                }
            } catch (Throwable t) {
                done.completeExceptionally(t);
                return;
            }
            int[] depth = DEPTH.get();
            if (depth[0] >= MAX_INLINE_DEPTH) {
                loop.execute(this);
                return;
            }
            depth[0]++;
            try {
                run();
            } finally {
                depth[0]--;
            }
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }
}
