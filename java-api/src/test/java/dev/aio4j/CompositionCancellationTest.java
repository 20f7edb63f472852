package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guarantee 1 of the hand-over core: cancelling a task reaches the inner stage of every
 * composition, in the shapes Java users write. Each shape runs against a real HTTP exchange with
 * a local server that counts requests in flight (the request must be aborted), and against a
 * plain future the test holds (it must be cancelled).
 */
class CompositionCancellationTest {
    private static final long WAIT = 10;
    private static HttpServer server;
    private static HttpClient client;
    /** Per backend (one per test): slow requests started, and slow requests the client aborted. */
    private static final java.util.Map<String, Counters> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private static final AtomicInteger ids = new AtomicInteger();

    static final class Counters {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final Semaphore startedSignal = new Semaphore(0);
        final Semaphore abortedSignal = new Semaphore(0);
    }

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/fast", ex -> {
            byte[] body = "ok".getBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        // streams one byte every 5 ms for at most 20 s: a request in flight until the client aborts it
        server.createContext("/slow/", ex -> {
            String id = ex.getRequestURI().getPath().substring("/slow/".length());
            Counters c = counters.get(id);
            c.started.incrementAndGet();
            c.inFlight.incrementAndGet();
            c.startedSignal.release();
            boolean aborted = false;
            try {
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < end) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(5); // the server's pace, not the test's synchronisation
                }
                out.close();
            } catch (IOException e) {
                aborted = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                c.inFlight.decrementAndGet();
                if (aborted) c.abortedSignal.release();
                ex.close();
            }
        });
        server.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Something a task calls that stays in flight until it is cancelled. */
    interface Backend {
        CompletionStage<String> call();

        CompletionStage<String> quick();

        /** Blocks until one call is in flight. */
        void awaitInFlight() throws InterruptedException;

        /** Blocks until that call was aborted by cancellation; fails the test otherwise. */
        void assertAborted() throws InterruptedException;

        /** How many slow calls were made in total. */
        int calls();
    }

    static final class HttpBackend implements Backend {
        private final String id = Integer.toString(ids.incrementAndGet());
        private final Counters c = new Counters();

        HttpBackend() {
            counters.put(id, c);
        }

        @Override
        public CompletionStage<String> call() {
            return client.sendAsync(HttpRequest.newBuilder(uri("/slow/" + id)).build(), HttpResponse.BodyHandlers.ofString())
                    .thenApply(HttpResponse::body);
        }

        @Override
        public CompletionStage<String> quick() { // an aio4j stage, as a user's fetch() written with aio4j returns
            return Async.task(() -> client.sendAsync(HttpRequest.newBuilder(uri("/fast")).build(),
                    HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body));
        }

        @Override
        public void awaitInFlight() throws InterruptedException {
            assertTrue(c.startedSignal.tryAcquire(WAIT, TimeUnit.SECONDS), "the request never reached the server");
        }

        @Override
        public void assertAborted() throws InterruptedException {
            assertTrue(c.abortedSignal.tryAcquire(WAIT, TimeUnit.SECONDS), "the request was not aborted: it is still in flight");
            assertEquals(0, c.inFlight.get(), "a request is still in flight");
        }

        @Override
        public int calls() {
            return c.started.get();
        }
    }

    static final class PlainBackend implements Backend {
        final List<CompletableFuture<String>> issued = new CopyOnWriteArrayList<>();
        final CountDownLatch first = new CountDownLatch(1);

        @Override
        public CompletionStage<String> call() {
            CompletableFuture<String> f = new CompletableFuture<>();
            issued.add(f);
            first.countDown();
            return f;
        }

        @Override
        public CompletionStage<String> quick() {
            return Async.sleep(Duration.ofMillis(1), "ok");
        }

        @Override
        public void awaitInFlight() throws InterruptedException {
            assertTrue(first.await(WAIT, TimeUnit.SECONDS), "the call was never made");
        }

        @Override
        public void assertAborted() {
            CompletableFuture<String> f = issued.get(0);
            try {
                f.get(WAIT, TimeUnit.SECONDS);
            } catch (CancellationException expected) {
                return;
            } catch (Exception e) {
                throw new AssertionError("the call ended with " + e + " instead of being cancelled", e);
            }
            throw new AssertionError("the call completed instead of being cancelled");
        }

        @Override
        public int calls() {
            return issued.size();
        }
    }

    private static Backend backend(String kind) {
        return kind.equals("http") ? new HttpBackend() : new PlainBackend();
    }

    private static final Duration SHORT = Duration.ofMillis(1);

    /** Starts the task made by {@code body} on a fresh loop, cancels it once its call is in flight, checks the call was aborted. */
    private static void cancelInFlight(Backend b, Function<Backend, AsyncCallable<String>> body) throws Exception {
        try (Loop loop = Loop.create("composition")) {
            Task<String> task = loop.task(body.apply(b));
            b.awaitInFlight();
            assertTrue(task.cancel());
            b.assertAborted();
            assertTrue(task.isCancelled());
            assertEquals(1, b.calls(), "the cancelled task went on calling");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void theCallItselfIsAborted(String kind) throws Exception {
        cancelInFlight(backend(kind), b -> b::call);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void sleepThenComposeTheCallIsAborted(String kind) throws Exception {
        cancelInFlight(backend(kind), b -> () -> Async.sleep(SHORT).thenCompose(x -> b.call()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void retryShapeNestedCompositionsAreAborted(String kind) throws Exception {
        cancelInFlight(backend(kind), b -> () -> b.quick()
                .thenCompose(x -> Async.sleep(SHORT).thenCompose(y -> b.call())));
    }

    @Test
    void aFallbackThatRunsBecauseOfTheCancellationHasItsStageCancelledOnArrival() throws Exception {
        PlainBackend b = new PlainBackend();
        try (Loop loop = Loop.create("fallback")) {
            Task<String> task = loop.task(() -> Async.sleep(SHORT).thenCompose(x -> b.call())
                    .exceptionallyCompose(e -> Async.sleep(SHORT).thenCompose(y -> b.call())));
            b.awaitInFlight();
            assertTrue(task.cancel());
            b.assertAborted();
            Support.sync(loop);
            assertEquals(1, b.calls(), "the fallback's sleep was not cancelled: it went on to call again");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void handleThenComposeIdentityIsAborted(String kind) throws Exception {
        cancelInFlight(backend(kind), b -> () -> Async.sleep(SHORT)
                .handle((x, e) -> b.call())
                .thenCompose(f -> f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void taskGroupChildComposedIsAborted(String kind) throws Exception {
        Backend b = backend(kind);
        try (Loop loop = Loop.create("group")) {
            Task<String> group = loop.task(() -> Async.taskGroup(g -> {
                Task<String> child = g.task(() -> Async.sleep(SHORT).thenCompose(x -> b.call()));
                return child;
            }));
            b.awaitInFlight();
            assertTrue(group.cancel());
            b.assertAborted();
            assertEquals(1, b.calls());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void innerTaskOfACompositionIsCancelled(String kind) throws Exception {
        Backend b = backend(kind);
        CompletableFuture<Task<String>> inner = new CompletableFuture<>();
        try (Loop loop = Loop.create("inner-task")) {
            Task<String> task = loop.task(() -> Async.sleep(SHORT).thenCompose(x -> {
                Task<String> t = Async.task(b::call);
                inner.complete(t);
                return t;
            }));
            b.awaitInFlight();
            assertTrue(task.cancel());
            b.assertAborted();
            Task<String> t = inner.get(WAIT, TimeUnit.SECONDS);
            Support.awaitDone(t);
            assertTrue(t.isCancelled(), "the inner task stays " + t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void awaitInACancelledThreadJobCancelsWhatItAwaits(String kind) throws Exception {
        cancelInFlight(backend(kind), b -> () -> Async.toThread(() -> Async.await(b.call())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "plain"})
    void sharedLoopShapesAreAbortedToo(String kind) throws Exception {
        Backend b = backend(kind);
        Task<String> task = Async.task(() -> Async.sleep(SHORT).thenCompose(x -> Async.sleep(SHORT).thenCompose(y -> b.call())));
        b.awaitInFlight();
        assertTrue(task.cancel());
        b.assertAborted();
    }

    // ------------------------------------------------------------------ the rules, one by one

    @Test
    void cancellingTheCompositionCancelsItsRootFirstThenTheInnerStage() throws Exception {
        try (Loop loop = Loop.create("rules")) {
            CompletableFuture<String> inner = new CompletableFuture<>();
            CountDownLatch composed = new CountDownLatch(1);
            List<String> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<String> chain = Support.onLoop(loop, () -> Async.sleep(SHORT)
                    .thenCompose(x -> {
                        composed.countDown();
                        return inner;
                    })
                    .whenComplete((v, e) -> seen.add(e == null ? "value" : e.getClass().getSimpleName())));
            assertTrue(composed.await(WAIT, TimeUnit.SECONDS));
            assertTrue(chain.cancel(true));
            assertTrue(chain.isCancelled());
            assertTrue(chain.isDone());
            assertTrue(chain.isCompletedExceptionally());
            Support.sync(loop); // the function has returned its stage
            assertTrue(inner.isCancelled(), "the inner stage was not cancelled");
            assertEquals(1, seen.size());
        }
    }

    @Test
    void anInnerStageArrivingAfterTheCancelIsCancelledOnArrival() throws Exception {
        try (Loop loop = Loop.create("late-inner")) {
            CompletableFuture<String> inner = new CompletableFuture<>();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> source = new CompletableFuture<>();
            CompletableFuture<String> chain = Support.onLoop(loop, () -> Async.task(() -> source).thenCompose(x -> {
                entered.countDown();
                Support.await(release); // the function is running when the cancel comes
                return inner;
            }));
            Thread completer = new Thread(() -> source.complete(null));
            completer.start();
            assertTrue(entered.await(WAIT, TimeUnit.SECONDS));
            chain.cancel(true); // the root is done: only the composition itself is cancelled
            release.countDown();
            completer.join();
            Support.sync(loop); // the function has returned
            assertTrue(inner.isCancelled(), "the inner stage that arrived after the cancel was left running");
        }
    }

    @Test
    void cancellationReachesThroughTenThousandNestedCompositions() throws Exception {
        List<CompletableFuture<Integer>> leaves = new CopyOnWriteArrayList<>();
        int depth = 10_000;
        Task<Integer> task = Async.task(() -> nest(depth, leaves));
        Support.awaitTrue(() -> leaves.size() == 1);
        assertTrue(task.cancel());
        CompletableFuture<Integer> leaf = leaves.get(0);
        assertThrows(CancellationException.class, () -> leaf.get(WAIT, TimeUnit.SECONDS));
    }

    private static CompletionStage<Integer> nest(int n, List<CompletableFuture<Integer>> leaves) {
        if (n == 0) {
            CompletableFuture<Integer> leaf = new CompletableFuture<>();
            leaves.add(leaf);
            return leaf;
        }
        return Async.sleep(Duration.ZERO).thenCompose(x -> nest(n - 1, leaves));
    }

    @Test
    void copyKeepsCancellationLocalAndShieldOptsOut() throws Exception {
        try (Loop loop = Loop.create("opt-out")) {
            CompletableFuture<String> inner = new CompletableFuture<>();
            CountDownLatch composed = new CountDownLatch(1);
            Task<String> task = loop.task(() -> Async.shield(Async.sleep(SHORT).thenCompose(x -> {
                composed.countDown();
                return inner;
            })));
            assertTrue(composed.await(WAIT, TimeUnit.SECONDS));
            task.cancel();
            Support.sync(loop);
            assertFalse(inner.isDone(), "shield let the cancellation through");

            CompletableFuture<String> copy = Support.onLoop(loop, () -> Async.sleep(SHORT).thenCompose(x -> inner)).copy();
            assertTrue(copy.cancel(true));
            Support.sync(loop);
            assertFalse(inner.isDone(), "copy() let the cancellation through");
            inner.complete("done");
        }
    }

    // ------------------------------------------------------------------ the futures of the sync primitives

    private static void assertCompositionCancelsInner(Supplier<CompletableFuture<?>> waiter) throws Exception {
        try (Loop loop = Loop.create("sync-compose")) {
            CompletableFuture<String> inner = new CompletableFuture<>();
            CountDownLatch composed = new CountDownLatch(1);
            CompletableFuture<String> chain = Support.onLoop(loop, () -> waiter.get().thenCompose(x -> {
                composed.countDown();
                return inner;
            }).thenApply(s -> s + "!"));
            assertTrue(composed.await(WAIT, TimeUnit.SECONDS));
            assertTrue(chain.cancel(true));
            assertTrue(chain.isCancelled());
            Support.sync(loop); // the function has returned its stage
            assertTrue(inner.isCancelled(), "the inner stage of a composition on " + waiter + " was not cancelled");
        }
    }

    @Test
    void compositionsOnLockSemaphoreEventQueueBarrierConditionFuturesReachTheirInnerStage() throws Exception {
        AsyncLock lock = new AsyncLock();
        assertCompositionCancelsInner(lock::acquire);
        AsyncSemaphore sem = new AsyncSemaphore(1);
        assertCompositionCancelsInner(sem::acquire);
        AsyncEvent event = new AsyncEvent();
        event.set();
        assertCompositionCancelsInner(event::await);
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        q.putNowait("a");
        assertCompositionCancelsInner(q::get);
        assertCompositionCancelsInner(() -> q.put("b"));
        AsyncBarrier barrier = new AsyncBarrier(1);
        assertCompositionCancelsInner(barrier::await);
    }

    @Test
    void aWaitingLockAcquireComposedIsWithdrawnAndItsInnerNeverCalled() throws Exception {
        AsyncLock lock = new AsyncLock();
        try (Loop loop = Loop.create("lock-wait")) {
            Support.onLoop(loop, lock::acquire);
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<String> chain = Support.onLoop(loop, () -> lock.acquire().thenCompose(x -> {
                calls.incrementAndGet();
                return new CompletableFuture<String>();
            }));
            assertTrue(chain.cancel(true));
            assertTrue(chain.isCancelled());
            Support.onLoop(loop, () -> {
                lock.release();
                return null;
            });
            Support.sync(loop);
            assertFalse(lock.isLocked(), "the withdrawn waiter kept the lock");
            assertEquals(0, calls.get());
        }
    }

    @Test
    void awaitInterruptedCancelsTheStageAndThrowsInterrupted() throws Exception {
        CompletableFuture<String> stage = new CompletableFuture<>();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Async.await(stage);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        t.start();
        Support.awaitBlocked(t);
        t.interrupt();
        assertInstanceOf(InterruptedException.class, thrown.get(WAIT, TimeUnit.SECONDS));
        assertTrue(stage.isCancelled());
    }

    @Test
    void aFailingInnerStageFailsTheCompositionAsTheJdkDoes() throws Exception {
        IOException boom = new IOException("boom");
        IOException e = assertThrows(IOException.class, () -> Loop.run(() ->
                Async.sleep(SHORT).thenCompose(x -> CompletableFuture.<String>failedFuture(boom))));
        assertEquals(boom, e);
        CompletableFuture<String> chain = Async.sleep(SHORT).thenCompose(x -> CompletableFuture.<String>failedFuture(boom));
        CompletionException wrapped = assertThrows(CompletionException.class, chain::join);
        assertEquals(boom, wrapped.getCause());
    }
}
