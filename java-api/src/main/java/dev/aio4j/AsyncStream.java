package dev.aio4j;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A cold, asynchronous sequence of non-null items; each terminal operation runs it once. Python's
 * async generators and {@code async for}, with backpressure, for Java.
 *
 * <p><b>Runs.</b> A stream is a description: nothing happens until a terminal operation
 * ({@link #forEach}, {@link #toList}, {@link #reduce}, {@link #first}, {@link #count},
 * {@link #forEachAsync}, {@link #use}) or {@link #iterator()} starts a <em>run</em>. Each run is a
 * task tree rooted in the terminal {@link Task}: producers ({@link #generate}, {@link #transform}),
 * buffer pumps and {@link #mapAsync} calls are its child tasks. The run starts on the current
 * loop (the shared loop outside any loop); every user function of the stream runs on that loop,
 * and on a single-threaded loop never in parallel with another.
 *
 * <p><b>Terminal tasks.</b> A terminal task completes with its result once the stream has ended
 * and every producer of the run has finished its cleanup; it fails with the stream's failure (a
 * user function that throws, a producer's failure, {@link TimeoutException} from
 * {@link #timeout}): {@code join()} wraps it in a {@link java.util.concurrent.CompletionException},
 * {@code Loop.run} and {@code Async.await} rethrow it as is. <b>Cancelling a terminal task</b>
 * completes it at once as cancelled and cancels the run: pending emits fail with
 * {@link CancellationException}, producers and calls are cancelled (their cleanup runs on the
 * loop), and items not yet delivered go to {@link #onDiscard}. {@code Loop.run} and task groups
 * wait until that cleanup has finished.
 *
 * <p><b>Backpressure and buffers.</b> Without {@link #buffer} every hand-off is a rendezvous: a
 * producer is ahead of its consumer by at most the one item it is emitting. There is no unbounded
 * buffer. Nothing buffered is lost on a failure (the items are delivered first); cancellation,
 * overflow and {@link #take} drop items, each to {@link #onDiscard} exactly once.
 *
 * <p><b>Arguments</b> are checked at the call: {@code null} → {@link NullPointerException}, a bad
 * value → {@link IllegalArgumentException}, both naming the argument. Items are never
 * {@code null}: a source or a function that produces one fails the stream with
 * {@link NullPointerException}.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
public interface AsyncStream<T> {

    // ------------------------------------------------------------------ sources

    /**
     * A stream of the given items, in order.
     *
     * @param items the items; none may be null
     * @param <T> the type of the items
     * @return the stream
     * @throws NullPointerException if {@code items} or one of them is null
     */
    @SafeVarargs
    static <T> AsyncStream<T> of(T... items) {
        Objects.requireNonNull(items, "items");
        for (int i = 0; i < items.length; i++) {
            if (items[i] == null) throw new NullPointerException("items[" + i + "] is null: stream items are never null");
        }
        List<T> list = Arrays.asList(items.clone());
        return StreamBase.make("of(" + items.length + ")", (run, d) -> new IterableCursor<>(list));
    }

    /**
     * A stream of the items of {@code items}: each run iterates it anew (cold). A null element, or
     * an exception from the iterator, fails the stream. The iterator is called on the run's loop,
     * as items are requested; cancelling the run (or its ending early, as with {@link #take})
     * abandons the iterator where it is: nothing more is read from it.
     *
     * @param items the items
     * @param <T> the type of the items
     * @return the stream
     * @throws NullPointerException if {@code items} is null
     */
    static <T> AsyncStream<T> fromIterable(Iterable<? extends T> items) {
        Objects.requireNonNull(items, "items");
        return StreamBase.make("fromIterable", (run, d) -> new IterableCursor<>(items));
    }

    /**
     * An async generator (Python's {@code async def} with {@code yield}): each run calls
     * {@code body} once, in a child task of the run, at the first request for an item. The body
     * emits through its {@link Emitter} (rendezvous: {@code emit} completes when the item is
     * accepted); the stage it returns completing normally ends the stream, exceptionally fails it.
     * When the run is cancelled (the consumer closes, {@link #take} has its items, the terminal
     * task is cancelled), the pending emit fails with {@link CancellationException}, the stage the
     * body awaits is cancelled, and the run waits for the body's callbacks (its {@code finally})
     * before it ends.
     *
     * @param body the generator
     * @param <T> the type of the items
     * @return the stream
     * @throws NullPointerException if {@code body} is null
     */
    static <T> AsyncStream<T> generate(AsyncGenerator<T> body) {
        Objects.requireNonNull(body, "body");
        return new StreamBase.ProducerStream<T>("generate", run -> new Object[] {body, null}, 0, Overflow.SUSPEND);
    }

    /**
     * A stream fed by callbacks (from any thread). Each run calls {@code register} once, on the
     * run's loop, at the first request for an item, with a {@link Sink} over a buffer of
     * {@code capacity} items; {@code overflow} says what a full buffer does. {@code register}
     * must call {@link Sink#onCancel} with the code that unregisters the callback, or the run
     * fails with {@link IllegalStateException}; that code runs exactly once, on the loop, when the
     * run ends in any way. If {@code register} throws, the run fails with that exception (and the
     * code it gave {@link Sink#onCancel}, if any, runs). A source registered once per run; a hot
     * source's items before the registration are not seen.
     *
     * @param capacity the buffer's capacity; 0 (with {@link Overflow#SUSPEND} only) is a rendezvous
     * @param overflow what a full buffer does
     * @param register registers the callback
     * @param <T> the type of the items
     * @return the stream
     * @throws NullPointerException if {@code overflow} or {@code register} is null
     * @throws IllegalArgumentException if {@code capacity} is negative, or 0 with a dropping or
     *     failing {@code overflow}
     */
    static <T> AsyncStream<T> push(int capacity, Overflow overflow, Consumer<? super Sink<T>> register) {
        StreamBase.checkBuffer(capacity, overflow);
        Objects.requireNonNull(register, "register");
        return StreamBase.make("push(" + capacity + ", " + overflow + ")", (run, d) -> new PushCursor<T>(run, capacity, overflow, register, d));
    }

    /**
     * The items of {@code queue}, taken with {@link AsyncQueue#get()} one at a time as they are
     * requested; the stream ends when the queue is shut down and empty. Not replayable: each run
     * takes from the same queue. Cancelling the run withdraws the pending {@code get} (the item
     * stays in the queue).
     *
     * @param queue the queue
     * @param <T> the type of the items
     * @return the stream
     * @throws NullPointerException if {@code queue} is null
     */
    static <T> AsyncStream<T> fromQueue(AsyncQueue<T> queue) {
        Objects.requireNonNull(queue, "queue");
        return StreamBase.make("fromQueue", (run, d) -> new QueueCursor<>(run, queue));
    }

    /**
     * 0, 1, 2, ... one every {@code period}, the first one period after the run starts. The
     * schedule is fixed-rate from the start; a slow consumer is not caught up with a burst (an
     * item overdue is emitted at once, then the schedule goes on). Never ends by itself: end it
     * with {@link #take}, {@link #takeWhile} or by cancelling the run, which withdraws the pending
     * timer (no item is emitted after it).
     *
     * @param period the time between items; positive
     * @return the stream
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if {@code period} is zero or negative
     */
    static AsyncStream<Long> interval(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) throw new IllegalArgumentException("period <= 0: " + period);
        long nanos = dev.aio4j.engine.Delays.toNanos(period);
        return new StreamBase.ProducerStream<Long>("interval(" + period + ")", run -> new Object[] {(AsyncGenerator<Long>) out -> {
            long start = run.loop.time();
            long[] i = {0};
            return Async.repeatWhile(() -> {
                long k = i[0] + 1;
                long due = k > Long.MAX_VALUE / nanos ? Long.MAX_VALUE : start + k * nanos;
                long wait = Math.max(0, due - run.loop.time());
                return Async.sleep(Duration.ofNanos(wait)).thenCompose(v -> out.emit(i[0]++)).thenApply(v -> true);
            });
        }, null}, 0, Overflow.SUSPEND);
    }

    /**
     * A stream that ends at once.
     *
     * @param <T> the type of the items
     * @return the empty stream
     */
    static <T> AsyncStream<T> empty() {
        return StreamBase.make("empty", (run, d) -> new IterableCursor<>(List.of()));
    }

    /**
     * A stream that fails at once with {@code error}.
     *
     * @param error the failure
     * @param <T> the type of the items
     * @return the failing stream
     * @throws NullPointerException if {@code error} is null
     */
    static <T> AsyncStream<T> failed(Throwable error) {
        Objects.requireNonNull(error, "error");
        return StreamBase.make("failed(" + error.getClass().getSimpleName() + ")", (run, d) -> new Cursor<T>() {
            @Override
            public CompletableFuture<T> next() {
                return CompletableFuture.failedFuture(error);
            }

            @Override
            public void cancel() {}
        });
    }

    // ------------------------------------------------------------------ operators (lazy)

    /**
     * Applies {@code fn} to each item. If {@code fn} throws or returns null, the stream fails with
     * that exception (a {@link NullPointerException} for null) and the upstream is cancelled.
     *
     * @param fn the function, run on the run's loop
     * @param <R> the type of the results
     * @return the mapped stream
     * @throws NullPointerException if {@code fn} is null
     */
    <R> AsyncStream<R> map(Function<? super T, ? extends R> fn);

    /**
     * Keeps the items for which {@code predicate} is true. If it throws, the stream fails.
     *
     * @param predicate the test, run on the run's loop
     * @return the filtered stream
     * @throws NullPointerException if {@code predicate} is null
     */
    AsyncStream<T> filter(Predicate<? super T> predicate);

    /**
     * Applies the asynchronous {@code fn} to up to {@code concurrency} items at once and passes on
     * the results <em>in the upstream order</em>. At most {@code concurrency} items are between
     * "fn called" and "result passed on", counting calls still running and results waiting for an
     * earlier one: a slow head holds back new calls, so memory is bounded. Each call is a child
     * task of the run named {@code mapAsync[i]}. If {@code fn} throws or returns null, or its
     * stage fails or completes with null, the stream fails at once with the first failure in
     * completion order: the other calls are cancelled, results not yet passed on go to
     * {@link #onDiscard}, and later failures are added to it as suppressed. An upstream failure is
     * passed on after the results of the calls already started. Cancelling the run cancels every
     * call.
     *
     * @param concurrency the most items in flight; at least 1
     * @param fn the function, called on the run's loop
     * @param <R> the type of the results
     * @return the mapped stream
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalArgumentException if {@code concurrency} is less than 1
     */
    <R> AsyncStream<R> mapAsync(int concurrency, Function<? super T, ? extends CompletionStage<? extends R>> fn);

    /**
     * As {@link #mapAsync}, passing each result on as soon as it is ready (completion order). At
     * most {@code concurrency} items are in flight (calls running plus results not yet taken).
     * Same failure and cancellation rules.
     *
     * @param concurrency the most items in flight; at least 1
     * @param fn the function, called on the run's loop
     * @param <R> the type of the results
     * @return the mapped stream
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalArgumentException if {@code concurrency} is less than 1
     */
    <R> AsyncStream<R> mapAsyncUnordered(int concurrency, Function<? super T, ? extends CompletionStage<? extends R>> fn);

    /**
     * A generator stage over this stream (Python's {@code async def g(it): async for v in it: ...
     * yield ...}): {@code step} is called for each item with an {@link Emitter} for the next stage
     * and may emit any number of items; the next item is requested only after the stage it
     * returned completes. The stage runs in a child task of the run. A failure of {@code step}
     * fails the stream. Cancelling the run cancels the step in progress; the run waits for it.
     *
     * @param step the step, called on the run's loop
     * @param <R> the type of the emitted items
     * @return the transformed stream
     * @throws NullPointerException if {@code step} is null
     */
    <R> AsyncStream<R> transform(Transformer<? super T, R> step);

    /**
     * Applies a reusable piece of pipeline: {@code stage.apply(this)}. Lets a chain of operators
     * kept in a method or a constant be used in a fluent chain, e.g.
     * {@code lines.via(Parsing::records).take(10)}.
     *
     * @param stage the function from this stream to the resulting one; called once, now
     * @param <R> the item type of the result
     * @return the stream {@code stage} returned
     * @throws NullPointerException if {@code stage} is null or returns null
     */
    <R> AsyncStream<R> via(Function<? super AsyncStream<T>, ? extends AsyncStream<R>> stage);

    /**
     * The first {@code n} items. As the n-th item passes, the upstream is cancelled (an item a
     * producer is emitting then goes to {@link #onDiscard}); the terminal task completes after the
     * upstream's cleanup has finished. {@code take(0)} never starts the upstream.
     *
     * @param n how many items; not negative
     * @return the shortened stream
     * @throws IllegalArgumentException if {@code n} is negative
     */
    AsyncStream<T> take(long n);

    /**
     * The items up to the first for which {@code predicate} is false; that item goes to
     * {@link #onDiscard} and the upstream is cancelled. If {@code predicate} throws, the stream
     * fails with that exception and the upstream is cancelled.
     *
     * @param predicate the test, run on the run's loop
     * @return the shortened stream
     * @throws NullPointerException if {@code predicate} is null
     */
    AsyncStream<T> takeWhile(Predicate<? super T> predicate);

    /**
     * {@code buffer(capacity, Overflow.SUSPEND)}: the upstream runs ahead in its own child task,
     * up to {@code capacity} items waiting in the buffer, and the producer may hold one more in
     * {@code emit} (Kotlin's counting). {@code buffer(0)} is a rendezvous with the upstream
     * running ahead. A failure upstream is delivered after the buffered items; a cancellation
     * discards them (to {@link #onDiscard}). A buffer right after a generator or transform, or
     * after another buffer, is fused with it (capacities add up).
     *
     * @param capacity the buffer's capacity; not negative
     * @return the buffered stream
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    AsyncStream<T> buffer(int capacity);

    /**
     * As {@link #buffer(int)}, with what a full buffer does: wait ({@link Overflow#SUSPEND}),
     * drop the oldest or the newest item (to {@link #onDiscard}), or fail the stream with
     * {@link java.nio.BufferOverflowException} after the buffered items ({@link Overflow#FAIL};
     * the item that overflowed goes to {@link #onDiscard} and the upstream is cancelled). With a
     * dropping or failing strategy the upstream never waits for the consumer: it runs as fast as
     * it can, and the strategy decides each item that finds the buffer full.
     *
     * @param capacity the buffer's capacity; at least 1 unless {@code overflow} is SUSPEND
     * @param overflow what a full buffer does
     * @return the buffered stream
     * @throws NullPointerException if {@code overflow} is null
     * @throws IllegalArgumentException if {@code capacity} is negative, or 0 with a dropping or
     *     failing {@code overflow}
     */
    AsyncStream<T> buffer(int capacity, Overflow overflow);

    /**
     * {@code buffer(1, Overflow.DROP_OLDEST)}: a slow consumer sees the latest item; the items it
     * skips go to {@link #onDiscard}.
     *
     * @return the conflated stream
     */
    AsyncStream<T> conflate();

    /**
     * Fails the stream with {@link TimeoutException} if the next item does not arrive within
     * {@code perItem} of being requested. Time the consumer spends on an item does not count; the
     * timer is re-armed for each request. On a timeout the upstream is cancelled (its cleanup
     * runs; the terminal task completes after it) and the stream fails; it is a failure, not a
     * cancellation. An item that arrives exactly as the timer fires wins. Zero: fails at once
     * unless an item is already available. A huge duration never overflows.
     *
     * @param perItem the longest wait for each item; not negative
     * @return the stream with a timeout
     * @throws NullPointerException if {@code perItem} is null
     * @throws IllegalArgumentException if {@code perItem} is negative
     */
    AsyncStream<T> timeout(Duration perItem);

    /**
     * Groups the items into lists of {@code size}; the last list may be shorter. If the upstream
     * fails, the partial list is passed on first, then the failure (nothing is lost). If the run
     * is cancelled, the partial list goes to {@link #onDiscard} of the chunked stream.
     *
     * @param size the size of each list; at least 1
     * @return the stream of unmodifiable lists
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    AsyncStream<List<T>> chunked(int size);

    /**
     * Calls {@code discarded} with each item of this type that the run drops instead of
     * delivering: items cancelled in a hand-off or a buffer, emits never accepted, overflow
     * drops, the item that ended a {@link #takeWhile}, results of {@link #mapAsync} never passed
     * on. Each such item reaches it exactly once, on the run's loop. It sees the items of the
     * stages above it up to the nearest stage that changes the item type ({@link #map},
     * {@link #mapAsync}, {@link #transform}, {@link #chunked}), and those dropped by the terminal
     * operation or iterator below it. If it throws, the exception goes to the loop's exception
     * handler and the stream goes on.
     *
     * @param discarded the consumer of dropped items
     * @return the stream
     * @throws NullPointerException if {@code discarded} is null
     */
    AsyncStream<T> onDiscard(Consumer<? super T> discarded);

    /**
     * Calls {@code hook} once per run, on the run's loop, when the stream above this point ends:
     * {@link Termination.Completed} when it ended normally (before the downstream sees the end),
     * {@link Termination.Failed} with its failure (before the downstream sees it), or
     * {@link Termination.Cancelled} when the downstream stopped it before its end (the consumer
     * closed or was cancelled, a {@link #take} below was satisfied, a stage below failed). A run
     * that never asks this stage for an item (such as {@code take(0)} below it) does not call it.
     * It is Kotlin's {@code onCompletion} and the {@code finally} of an async generator: the place
     * to release what the stream's items were read from. If it throws on completion the stream
     * fails with that exception; on a failure it is added to the failure as suppressed; on a
     * cancellation it goes to the loop's exception handler.
     *
     * @param hook the consumer of the termination
     * @return the stream
     * @throws NullPointerException if {@code hook} is null
     */
    AsyncStream<T> onTermination(Consumer<? super Termination> hook);

    /**
     * On the upstream's failure (not a cancellation), continues with the stream {@code fallback}
     * returns for it, once: for example
     * {@code timeout(d).recover(e -> e instanceof TimeoutException ? AsyncStream.of(dflt) : AsyncStream.failed(e))}.
     * If {@code fallback} throws or returns null, the stream fails with that exception (the
     * upstream's failure added as suppressed). The fallback stream runs in the same run: its
     * failure fails the stream (it is not recovered again), and cancelling the run while it runs
     * cancels it and waits for its cleanup, as for the upstream.
     *
     * @param fallback the stream to continue with, given the failure
     * @return the recovering stream
     * @throws NullPointerException if {@code fallback} is null
     */
    AsyncStream<T> recover(Function<? super Throwable, ? extends AsyncStream<T>> fallback);

    // ------------------------------------------------------------------ terminal operations

    /**
     * Runs the stream, calling {@code action} with each item on the run's loop. The task
     * completes with null at the end; it fails if the stream fails or {@code action} throws (the
     * run is then cancelled). Cancelling it cancels the run (see the class comment).
     *
     * @param action what to do with each item
     * @return the running terminal task
     * @throws NullPointerException if {@code action} is null
     * @throws IllegalStateException if the current loop is closed
     */
    Task<Void> forEach(Consumer<? super T> action);

    /**
     * Runs the stream, awaiting the stage {@code action} returns for each item before the next
     * item is requested. The task completes with null at the end; it fails if the stream fails,
     * {@code action} throws or returns null, or a stage fails. Cancelling it cancels the run and
     * the stage being awaited.
     *
     * @param action what to do with each item, run on the run's loop
     * @return the running terminal task
     * @throws NullPointerException if {@code action} is null
     * @throws IllegalStateException if the current loop is closed
     */
    Task<Void> forEachAsync(Function<? super T, ? extends CompletionStage<?>> action);

    /**
     * Runs the stream and collects its items. The task completes with an unmodifiable list in
     * stream order; it fails with the stream's failure. Cancelling it cancels the run.
     *
     * @return the running terminal task
     * @throws IllegalStateException if the current loop is closed
     */
    Task<List<T>> toList();

    /**
     * Runs the stream and folds its items: {@code acc = fn(acc, item)} from {@code initial}. The
     * task completes with the final value; it fails with the stream's failure or what {@code fn}
     * throws. Cancelling it cancels the run.
     *
     * @param initial the starting value (may be null)
     * @param fn the folding function, run on the run's loop
     * @param <R> the type of the result
     * @return the running terminal task
     * @throws NullPointerException if {@code fn} is null
     * @throws IllegalStateException if the current loop is closed
     */
    <R> Task<R> reduce(R initial, BiFunction<R, ? super T, R> fn);

    /**
     * Runs the stream until its first item, then cancels the upstream. The task completes with
     * that item, or an empty optional if the stream is empty, once the upstream's cleanup has run;
     * it fails with the stream's failure. Cancelling it cancels the run.
     *
     * @return the running terminal task
     * @throws IllegalStateException if the current loop is closed
     */
    Task<Optional<T>> first();

    /**
     * Runs the stream and counts its items. The task completes with the count; it fails with the
     * stream's failure. Cancelling it cancels the run.
     *
     * @return the running terminal task
     * @throws IllegalStateException if the current loop is closed
     */
    Task<Long> count();

    /**
     * Runs {@code body} with an iterator over one run of the stream (trio's
     * {@code as_safe_channel}, Python's {@code aclosing}): the iterator is valid inside the body
     * and is closed, its cleanup awaited, when the body's stage completes or fails. The task
     * completes with the body's value, or fails with its failure (or what the body throws, or a
     * {@link NullPointerException} if it returns null), in each case after the iterator is closed
     * and the producers' cleanup has run. Cancelling it completes it at once as cancelled, closes
     * the iterator (a {@code next()} the body waits for fails with {@link CancellationException})
     * and cancels the run; {@code Loop.run} and task groups wait for the producers' cleanup.
     *
     * @param body the code that consumes the iterator, run on the run's loop
     * @param <R> the type of the result
     * @return the running terminal task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    <R> Task<R> use(Function<? super AsyncIterator<T>, ? extends CompletionStage<R>> body);

    /**
     * An iterator over a new run of the stream, on the current loop (the shared loop outside any
     * loop), started at its first {@link AsyncIterator#next()}: nothing runs before. Unscoped: the
     * caller must {@link AsyncIterator#close()} it (terminal operations and {@link #use} close
     * theirs); closing it cancels the run. An iterator that becomes unreachable while its run is
     * open is reported once through the loop's exception handler ("AsyncIterator was never
     * closed: " and the stream; in debug mode with where it was made), and its run is then
     * cancelled on its loop, never on the garbage collector's thread. Making the iterator checks
     * nothing: if the loop is closed when the first {@code next()} is called, that call throws
     * {@link IllegalStateException}.
     *
     * @return the iterator
     */
    AsyncIterator<T> iterator();

    /**
     * This stream as a {@link Flow.Publisher} on the shared loop; see {@link #toPublisher(Loop)}.
     *
     * @return the publisher
     */
    default Flow.Publisher<T> toPublisher() {
        return toPublisher(Loop.shared());
    }

    /**
     * This stream as a {@link Flow.Publisher} (Reactive Streams, checked by its TCK): each
     * {@code subscribe} starts a new run on {@code loop}, and every signal to the subscriber comes
     * from that loop, one at a time, {@code onSubscribe} first. {@code request(n)} adds to the
     * demand ({@code Long.MAX_VALUE}, or a sum that overflows, is unbounded); {@code request} with
     * {@code n <= 0} ends the subscription with {@code onError(IllegalArgumentException)}.
     * {@code cancel()} cancels the run (its producers) and is idempotent; later requests do
     * nothing. Subscribing after {@code loop} closed signals {@code onSubscribe} then
     * {@code onError(IllegalStateException)}.
     *
     * @param loop the loop the runs use
     * @return the publisher
     * @throws NullPointerException if {@code loop} is null (and, from {@code subscribe}, if the
     *     subscriber is null)
     */
    default Flow.Publisher<T> toPublisher(Loop loop) {
        Objects.requireNonNull(loop, "loop");
        return new StreamPublisher<>(this, loop);
    }

    /**
     * A stream of what {@code publisher} sends: each run subscribes once, requests
     * {@code prefetch} items, and requests more as 75 % of them have been taken downstream, so at
     * most {@code prefetch} items wait; {@code prefetch = 1} gives the lowest latency, larger ones
     * the fewest requests. {@code onError} fails the stream; cancelling the run (or the stream
     * ending early, as with {@code take}) cancels the subscription. A publisher that sends more
     * items than requested fails the stream with {@link IllegalStateException}("publisher sent
     * more items than requested"), after the items that were requested; a second
     * {@code onSubscribe} has its subscription cancelled. Not replayable unless the publisher is
     * cold: each run subscribes again.
     *
     * @param publisher the publisher
     * @param prefetch how many items to request ahead, at least 1
     * @param <T> the type of the items
     * @return the stream
     * @throws NullPointerException if {@code publisher} is null
     * @throws IllegalArgumentException if {@code prefetch} is less than 1
     */
    static <T> AsyncStream<T> fromPublisher(Flow.Publisher<? extends T> publisher, int prefetch) {
        Objects.requireNonNull(publisher, "publisher");
        if (prefetch < 1) throw new IllegalArgumentException("prefetch must be at least 1: " + prefetch);
        return generate(out -> PublisherSource.run(publisher, prefetch, out));
    }

    /**
     * This stream with everything upstream of this point running on {@code loop} (Kotlin's
     * {@code flowOn}): each run starts the upstream as a task on {@code loop}, whose code, timers and
     * producers then run there, and hands each item over to the downstream's loop with no buffer
     * (an item is taken when the downstream asks for it). Add a {@link #buffer(int)} after it to let
     * the upstream run ahead. Cancelling the run (or its ending early) cancels the upstream task on
     * {@code loop} and waits for its cleanup; the upstream's failure fails the stream.
     *
     * @param loop the loop for the upstream
     * @return the stream
     * @throws NullPointerException if {@code loop} is null
     */
    default AsyncStream<T> on(Loop loop) {
        return StreamBase.<T>base(this).on(loop);
    }

    /**
     * A run of this stream as a blocking {@link java.util.stream.Stream}, for code on virtual (or
     * other) threads that wants the sequential style: {@code try (Stream<T> s =
     * stream.toBlockingStream()) { s.forEach(...); }}. The run starts on the shared loop when the
     * stream is first read; each item is awaited (blocking the calling thread). Closing the
     * {@code Stream} closes the run and waits for its producers' cleanup; a stream read to its end
     * needs no close. The stream's failure is thrown by the terminal operation, unwrapped if
     * unchecked, else wrapped in a {@link java.util.concurrent.CompletionException}.
     * An interrupt while waiting closes the run and throws
     * {@link java.util.concurrent.CancellationException}.
     *
     * @return a sequential, ordered stream of the items
     * @throws IllegalStateException when read on a loop's thread (it would block the loop)
     */
    default java.util.stream.Stream<T> toBlockingStream() {
        return BlockingStreams.of(this);
    }

    /**
     * The items of all {@code streams}, collected concurrently, in the order they arrive (each
     * stream's own order is kept). Each run runs every input as a task of one task group on the
     * run's loop; the merged stream completes when all inputs have completed. The first failure
     * cancels the other inputs, waits for their cleanup, then fails the stream (later failures are
     * suppressed). Cancelling the run (or its ending early, as with {@code take}) cancels every
     * input; an item an input was handing over at that moment goes to {@link #onDiscard}. With no
     * inputs the stream is empty.
     *
     * @param streams the inputs
     * @param <T> the type of the items
     * @return the merged stream
     * @throws NullPointerException if {@code streams} or one of them is null
     */
    @SafeVarargs
    static <T> AsyncStream<T> merge(AsyncStream<? extends T>... streams) {
        Objects.requireNonNull(streams, "streams");
        List<StreamBase<? extends T>> inputs = new java.util.ArrayList<>(streams.length);
        for (AsyncStream<? extends T> s : streams) inputs.add(StreamBase.base(Objects.requireNonNull(s, "streams contains null")));
        return StreamBase.make("merge(" + inputs.size() + ")", (run, discard) -> new MergeCursor<T>(run, inputs, discard));
    }
}
