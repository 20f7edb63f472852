package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.TaskGroupCore;
import dev.aio4j.engine.sync.StreamChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one implementation of {@link AsyncStream} (internal): a description that opens a chain of
 * {@link Cursor}s for each run. {@code open(run, discard)} gets the discard handler for items of
 * this stage's type, given by the {@code onDiscard} stages below it; stages that keep the item type
 * pass it up, stages that change it (map, mapAsync, transform, chunked) do not.
 */
abstract class StreamBase<T> implements AsyncStream<T> {
    interface Opener<T> {
        Cursor<T> open(StreamRun run, Consumer<Object> discard);
    }

    final String description;

    StreamBase(String description) {
        this.description = description;
    }

    abstract Cursor<T> open(StreamRun run, Consumer<Object> discard);

    /** The discard handler for this stream's own items (its trailing onDiscard stages), or null. */
    Consumer<Object> tailDiscard() {
        return null;
    }

    static <T> StreamBase<T> make(String description, Opener<T> opener) {
        return new StreamBase<>(description) {
            @Override
            Cursor<T> open(StreamRun run, Consumer<Object> discard) {
                return opener.open(run, discard);
            }
        };
    }

    /** A stage that keeps the item type: the discard handler of its downstream applies above it too. */
    StreamBase<T> passThrough(String op, Opener<T> opener) {
        StreamBase<T> up = this;
        return new StreamBase<>(description + "." + op) {
            @Override
            Cursor<T> open(StreamRun run, Consumer<Object> discard) {
                return opener.open(run, discard);
            }

            @Override
            Consumer<Object> tailDiscard() {
                return up.tailDiscard();
            }
        };
    }

    @SuppressWarnings("unchecked")
    static <T> StreamBase<T> base(AsyncStream<? extends T> s) {
        if (s instanceof StreamBase<?> b) return (StreamBase<T>) b;
        return make("foreign(" + s + ")", (run, d) -> new Cursor<T>() {
            private AsyncIterator<? extends T> it;

            @Override
            @SuppressWarnings("unchecked")
            public CompletableFuture<T> next() {
                if (it == null) it = s.iterator();
                return (CompletableFuture<T>) it.next();
            }

            @Override
            public void cancel() {
                if (it != null) it.close();
            }
        });
    }

    /** generate / transform: a producer task emitting into a channel, fusable with a following buffer. */
    static final class ProducerStream<T> extends StreamBase<T> {
        private final Function<StreamRun, Object[]> producer; // run -> {AsyncGenerator, upstream cursor or null}
        private final int capacity;
        private final Overflow overflow;

        ProducerStream(String description, Function<StreamRun, Object[]> producer, int capacity, Overflow overflow) {
            super(description);
            this.producer = producer;
            this.capacity = capacity;
            this.overflow = overflow;
        }

        @Override
        @SuppressWarnings("unchecked")
        Cursor<T> open(StreamRun run, Consumer<Object> discard) {
            Object[] p = producer.apply(run);
            return new ProducerCursor<>(run, capacity, ProducerCursor.policy(overflow), discard,
                    (AsyncGenerator<T>) p[0], description, (Cursor<?>) p[1]);
        }

        @Override
        public AsyncStream<T> buffer(int capacity, Overflow overflow) {
            checkBuffer(capacity, overflow);
            if (this.overflow == Overflow.SUSPEND && (overflow == Overflow.SUSPEND || this.capacity == 0)) {
                return new ProducerStream<>(description + ".buffer(" + capacity + (overflow == Overflow.SUSPEND ? "" : ", " + overflow) + ")",
                        producer, saturatedAdd(this.capacity, capacity), overflow);
            }
            return super.buffer(capacity, overflow);
        }
    }

    static int saturatedAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }

    static void checkBuffer(int capacity, Overflow overflow) {
        Objects.requireNonNull(overflow, "overflow");
        if (capacity < 0) throw new IllegalArgumentException("capacity < 0: " + capacity);
        if (capacity == 0 && overflow != Overflow.SUSPEND) {
            throw new IllegalArgumentException("capacity 0 with " + overflow + ": a rendezvous has nothing to drop; use capacity >= 1");
        }
    }

    // ------------------------------------------------------------------ operators

    @Override
    public <R> AsyncStream<R> map(Function<? super T, ? extends R> fn) {
        Objects.requireNonNull(fn, "fn");
        return make(description + ".map", (run, d) -> new MapCursor<>(run, open(run, null), fn));
    }

    @Override
    public AsyncStream<T> filter(Predicate<? super T> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return passThrough("filter", (run, d) -> new PullingCursor<T, T>(run, open(run, d)) {
            @Override
            Object onItem(T item) {
                return predicate.test(item) ? item : CONTINUE;
            }
        });
    }

    @Override
    public AsyncStream<T> takeWhile(Predicate<? super T> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return passThrough("takeWhile", (run, d) -> new PullingCursor<T, T>(run, open(run, d)) {
            @Override
            Object onItem(T item) {
                if (predicate.test(item)) return item;
                finished = true;
                upstream.cancel();
                run.discard(d, item);
                return null;
            }
        });
    }

    @Override
    public <R> AsyncStream<R> via(Function<? super AsyncStream<T>, ? extends AsyncStream<R>> stage) {
        Objects.requireNonNull(stage, "stage");
        return Objects.requireNonNull(stage.apply(this), "the stage of via returned null instead of a stream");
    }

    @Override
    public AsyncStream<T> onTermination(Consumer<? super Termination> hook) {
        Objects.requireNonNull(hook, "hook");
        return passThrough("onTermination", (run, d) -> new TerminationCursor<>(run, open(run, d), hook));
    }

    @Override
    public AsyncStream<T> take(long n) {
        if (n < 0) throw new IllegalArgumentException("n < 0: " + n);
        return passThrough("take(" + n + ")", (run, d) -> new TakeCursor<>(run, open(run, d), n));
    }

    @Override
    public AsyncStream<List<T>> chunked(int size) {
        if (size < 1) throw new IllegalArgumentException("size < 1: " + size);
        return make(description + ".chunked(" + size + ")", (run, d) -> new PullingCursor<T, List<T>>(run, open(run, null)) {
            private List<T> chunk = new ArrayList<>(size);
            private Throwable pendingError;

            @Override
            Object before() throws Throwable {
                if (pendingError != null) {
                    Throwable e = pendingError;
                    pendingError = null;
                    finished = true;
                    throw e;
                }
                return super.before();
            }

            @Override
            Object onItem(T item) {
                chunk.add(item);
                if (chunk.size() < size) return CONTINUE;
                List<T> full = Collections.unmodifiableList(chunk);
                chunk = new ArrayList<>(size);
                return full;
            }

            @Override
            Object onEnd() {
                finished = true;
                return takePartial();
            }

            @Override
            Object onError(Throwable error) throws Throwable {
                Object partial = takePartial();
                if (partial == null) {
                    finished = true;
                    throw error;
                }
                pendingError = error;
                return partial;
            }

            private Object takePartial() {
                if (chunk.isEmpty()) return null;
                List<T> partial = Collections.unmodifiableList(chunk);
                chunk = new ArrayList<>(0);
                return partial;
            }

            @Override
            public void cancel() {
                if (!chunk.isEmpty()) {
                    run.discard(d, Collections.unmodifiableList(chunk));
                    chunk = new ArrayList<>(0);
                }
                super.cancel();
            }
        });
    }

    @Override
    public <R> AsyncStream<R> mapAsync(int concurrency, Function<? super T, ? extends CompletionStage<? extends R>> fn) {
        return mapAsync(concurrency, fn, true);
    }

    @Override
    public <R> AsyncStream<R> mapAsyncUnordered(int concurrency, Function<? super T, ? extends CompletionStage<? extends R>> fn) {
        return mapAsync(concurrency, fn, false);
    }

    private <R> AsyncStream<R> mapAsync(int concurrency, Function<? super T, ? extends CompletionStage<? extends R>> fn, boolean ordered) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency < 1: " + concurrency);
        Objects.requireNonNull(fn, "fn");
        String op = (ordered ? ".mapAsync(" : ".mapAsyncUnordered(") + concurrency + ")";
        return make(description + op, (run, d) -> new MapAsyncCursor<T, R>(run, open(run, null), concurrency, fn, ordered, d));
    }

    @Override
    public <R> AsyncStream<R> transform(Transformer<? super T, R> step) {
        Objects.requireNonNull(step, "step");
        return new ProducerStream<>(description + ".transform", run -> {
            Cursor<T> up = open(run, null);
            return new Object[] {new TransformLoop<T, R>(run, up, step, tailDiscard()), up};
        }, 0, Overflow.SUSPEND);
    }

    @Override
    public AsyncStream<T> buffer(int capacity) {
        return buffer(capacity, Overflow.SUSPEND);
    }

    @Override
    public AsyncStream<T> buffer(int capacity, Overflow overflow) {
        checkBuffer(capacity, overflow);
        return new BufferStream<>(this, description, capacity, overflow);
    }

    static String bufferOp(int capacity, Overflow overflow) {
        return "buffer(" + capacity + (overflow == Overflow.SUSPEND ? "" : ", " + overflow) + ")";
    }

    /** {@code buffer} over a stage that is not a producer: a pump into a channel; a following buffer is fused into it. */
    static final class BufferStream<T> extends StreamBase<T> {
        private final StreamBase<T> up;
        private final String upDescription;
        private final int capacity;
        private final Overflow overflow;

        BufferStream(StreamBase<T> up, String upDescription, int capacity, Overflow overflow) {
            super(upDescription + "." + bufferOp(capacity, overflow));
            this.up = up;
            this.upDescription = upDescription;
            this.capacity = capacity;
            this.overflow = overflow;
        }

        @Override
        Cursor<T> open(StreamRun run, Consumer<Object> discard) {
            return new PumpCursor<>(run, up.open(run, discard), capacity, ProducerCursor.policy(overflow), discard, "buffer");
        }

        @Override
        Consumer<Object> tailDiscard() {
            return up.tailDiscard();
        }

        @Override
        public AsyncStream<T> buffer(int capacity, Overflow overflow) {
            checkBuffer(capacity, overflow);
            if (this.overflow == Overflow.SUSPEND && (overflow == Overflow.SUSPEND || this.capacity == 0)) {
                return new BufferStream<>(up, description, saturatedAdd(this.capacity, capacity), overflow);
            }
            return super.buffer(capacity, overflow);
        }
    }

    @Override
    public AsyncStream<T> conflate() {
        return buffer(1, Overflow.DROP_OLDEST);
    }

    @Override
    public AsyncStream<T> timeout(Duration perItem) {
        Async.checkDuration(perItem, "perItem");
        return passThrough("timeout(" + perItem + ")", (run, d) -> new TimeoutCursor<>(run, open(run, d), perItem, d));
    }

    @Override
    public AsyncStream<T> onDiscard(Consumer<? super T> discarded) {
        Objects.requireNonNull(discarded, "discarded");
        @SuppressWarnings("unchecked")
        Consumer<Object> mine = x -> discarded.accept((T) x);
        StreamBase<T> up = this;
        return new StreamBase<>(description + ".onDiscard") {
            @Override
            Cursor<T> open(StreamRun run, Consumer<Object> discard) {
                return up.open(run, both(mine, discard));
            }

            @Override
            Consumer<Object> tailDiscard() {
                return both(mine, up.tailDiscard());
            }
        };
    }

    private static Consumer<Object> both(Consumer<Object> a, Consumer<Object> b) {
        return StreamRun.both(a, b);
    }

    @Override
    public AsyncStream<T> recover(Function<? super Throwable, ? extends AsyncStream<T>> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return passThrough("recover", (run, d) -> new RecoverCursor<>(run, open(run, d), fallback, d));
    }

    // ------------------------------------------------------------------ terminals

    /** Starts a run: a task group on the current loop whose body is the consumer. */
    private <R> Task<R> terminal(Function<StreamRun, CompletableFuture<R>> consumer) {
        return terminal(LoopCore.currentOrShared(), consumer, null);
    }

    /** Starts a run on {@code loop}; {@code awaiting} (if any) completes once the run's tasks have all finished. */
    private <R> Task<R> terminal(LoopCore loop, Function<StreamRun, CompletableFuture<R>> consumer, Elsewhere<?> awaiting) {
        loop.checkOpen();
        TaskGroupCore group = new TaskGroupCore(loop, core -> {
            StreamRun run = new StreamRun(new TaskGroup(core), loop);
            @SuppressWarnings("unchecked")
            CompletableFuture<R>[] out = new CompletableFuture[1];
            run.serial(() -> out[0] = consumer.apply(run));
            return out[0];
        }, this);
        if (awaiting != null) {
            awaiting.group = group; // before launch: the run may finish before launch returns
            group.whenFinished = awaiting::finished;
        }
        return Task.launch(group, null);
    }

    @Override
    public AsyncStream<T> on(Loop loop) {
        Objects.requireNonNull(loop, "loop");
        LoopCore where = loop.core;
        StreamBase<T> up = this;
        AsyncGenerator<T> elsewhere = out -> {
            Elsewhere<Void> done = new Elsewhere<>();
            up.terminal(where, run -> new StreamDriver<T, Void>(run, up.open(run, null), up.tailDiscard()) {
                @Override
                Object onItem(T item) {
                    return out.emit(item);
                }

                @Override
                Void onEnd() {
                    return null;
                }
            }.start(), done);
            return done;
        };
        return new ProducerStream<>(description + ".on(" + loop.name() + ")", run -> new Object[] {elsewhere, null}, 0, Overflow.SUSPEND);
    }

    /**
     * What the producer of {@code on(loop)} awaits: completes with the outcome of the run on the
     * other loop once that run has finished (its producers' cleanup included). Cancelling it, or
     * any stage derived from it, cancels that run and leaves the stage pending until then, so the
     * producer task, and with it the terminal task's run, waits for the cleanup on the other loop.
     */
    private static final class Elsewhere<V> extends CompletableFuture<V> {
        private final Elsewhere<?> root;
        volatile TaskGroupCore group; // the root's: the run on the other loop

        Elsewhere() {
            this.root = this;
        }

        private Elsewhere(Elsewhere<?> root) {
            this.root = root;
        }

        void finished() {
            CompletableFuture<?> r = group.host;
            Throwable e = r.isCancelled() ? new java.util.concurrent.CancellationException("the run on the other loop was cancelled")
                    : StreamRun.errorOf(r);
            if (e == null) complete(null);
            else completeExceptionally(e);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            TaskGroupCore g = root.group;
            if (g != null) g.host.cancel(mayInterruptIfRunning);
            return false; // completes once that run has finished
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new Elsewhere<>(root);
        }
    }

    private <R> Task<R> drive(BiFunction<StreamRun, Cursor<T>, StreamDriver<T, R>> driver) {
        return terminal(run -> driver.apply(run, open(run, null)).start());
    }

    @Override
    public Task<Void> forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        return drive((run, c) -> new StreamDriver<T, Void>(run, c, tailDiscard()) {
            @Override
            Object onItem(T item) {
                action.accept(item);
                return null;
            }

            @Override
            Void onEnd() {
                return null;
            }
        });
    }

    @Override
    public Task<Void> forEachAsync(Function<? super T, ? extends CompletionStage<?>> action) {
        Objects.requireNonNull(action, "action");
        return drive((run, c) -> new StreamDriver<T, Void>(run, c, tailDiscard()) {
            @Override
            Object onItem(T item) {
                return Objects.requireNonNull(action.apply(item), "the action of forEachAsync returned null instead of a CompletionStage");
            }

            @Override
            Void onEnd() {
                return null;
            }
        });
    }

    @Override
    public Task<List<T>> toList() {
        return drive((run, c) -> new StreamDriver<T, List<T>>(run, c, tailDiscard()) {
            private final List<T> items = new ArrayList<>();

            @Override
            Object onItem(T item) {
                items.add(item);
                return null;
            }

            @Override
            List<T> onEnd() {
                return Collections.unmodifiableList(items);
            }
        });
    }

    @Override
    public <R> Task<R> reduce(R initial, BiFunction<R, ? super T, R> fn) {
        Objects.requireNonNull(fn, "fn");
        return drive((run, c) -> new StreamDriver<T, R>(run, c, tailDiscard()) {
            private R acc = initial;

            @Override
            Object onItem(T item) {
                acc = fn.apply(acc, item);
                return null;
            }

            @Override
            R onEnd() {
                return acc;
            }
        });
    }

    @Override
    public Task<Optional<T>> first() {
        return drive((run, c) -> new StreamDriver<T, Optional<T>>(run, c, tailDiscard()) {
            private T first;

            @Override
            Object onItem(T item) {
                first = item;
                return STOP;
            }

            @Override
            Optional<T> onEnd() {
                return Optional.ofNullable(first);
            }
        });
    }

    @Override
    public Task<Long> count() {
        return drive((run, c) -> new StreamDriver<T, Long>(run, c, tailDiscard()) {
            private long n;

            @Override
            Object onItem(T item) {
                n++;
                return null;
            }

            @Override
            Long onEnd() {
                return n;
            }
        });
    }

    @Override
    public <R> Task<R> use(Function<? super AsyncIterator<T>, ? extends CompletionStage<R>> body) {
        Objects.requireNonNull(body, "body");
        return terminal(run -> {
            StreamIterator<T> it = StreamIterator.inRun(this, run);
            StreamFuture<R> out = new StreamFuture<>(run.loop);
            out.whenComplete((v, e) -> {
                if (out.isCancelled()) it.close();
            });
            CompletionStage<R> s;
            try {
                s = Objects.requireNonNull(body.apply(it), "the body of use returned null instead of a CompletionStage");
            } catch (Throwable t) {
                it.close().whenComplete((x, y) -> out.fail(dev.aio4j.engine.Outcomes.unwrap(t)));
                return out;
            }
            s.whenComplete((v, e) -> it.close().whenComplete((x, y) -> {
                if (e != null) out.fail(dev.aio4j.engine.Outcomes.unwrap(e));
                else out.succeed(v);
            }));
            return out;
        });
    }

    @Override
    public AsyncIterator<T> iterator() {
        return new StreamIterator.Unscoped<>(this, LoopCore.currentOrShared());
    }

    @Override
    public String toString() {
        return "AsyncStream[" + description + "]";
    }
}
