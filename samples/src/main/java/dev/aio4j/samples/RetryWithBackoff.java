package dev.aio4j.samples;

import com.sun.net.httpserver.HttpServer;
import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Retry with exponential backoff through Failsafe, on an aio4j loop: aio4j does not reinvent
 * retries, rate limits or circuit breakers; {@link Loop#asScheduledExecutor()} lets the library
 * Java users already know schedule its backoff delays on the loop's timers.
 *
 * <p>First a flaky server answers 503 twice, then 200: the call succeeds on the third attempt.
 * Then a server that never answers: the task is cancelled while an attempt is in flight, and the
 * cancellation reaches that attempt (the HTTP exchange is aborted; the server sees it go).
 */
public final class RetryWithBackoff {
    private RetryWithBackoff() {}

    /** The retry policy: retry a 5xx answer or an I/O failure, backing off from 10 ms up to 200 ms. */
    static RetryPolicy<HttpResponse<String>> policy() {
        return RetryPolicy.<HttpResponse<String>>builder()
                .handle(IOException.class)
                .handleResultIf(response -> response.statusCode() >= 500)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                .withMaxRetries(5)
                .build();
    }

    /** The call with retries, as a task body: Failsafe schedules its delays on the current loop. */
    static Task<HttpResponse<String>> fetchWithRetries(HttpClient client, URI uri) {
        FailsafeExecutor<HttpResponse<String>> failsafe = Failsafe.with(policy())
                .with(Loop.current().orElseThrow().asScheduledExecutor());
        return Async.task(() -> failsafe.getStageAsync(() -> client.sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString())));
    }

    public static void run() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/flaky", exchange -> {
            int n = attempts.incrementAndGet();
            int status = n < 3 ? 503 : 200;
            byte[] body = ("attempt " + n).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/hang", exchange -> { // streams forever: in flight until the client goes
            inFlight.incrementAndGet();
            hanging.countDown();
            boolean wasAborted = false;
            try {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 4_000; i++) { // 20 s at most
                    out.write('.');
                    out.flush();
                    Thread.sleep(5);
                }
            } catch (IOException e) {
                wasAborted = true; // the client aborted the exchange
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                exchange.close();
                if (wasAborted) aborted.countDown();
            }
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> response = Loop.run(() -> fetchWithRetries(client, base.resolve("/flaky")));
            System.out.println("flaky server: " + response.statusCode() + " after " + attempts.get() + " attempts ("
                    + response.body() + ")");

            try (Loop loop = Loop.create("retries")) {
                Task<HttpResponse<String>> task = loop.task(() -> fetchWithRetries(client, base.resolve("/hang")));
                if (!hanging.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the request never arrived");
                System.out.println("hanging server: an attempt is in flight; cancelling the task");
                task.cancel();
                boolean wasAborted = aborted.await(10, TimeUnit.SECONDS);
                System.out.println("attempt aborted: " + wasAborted + ", requests in flight: " + inFlight.get()
                        + ", task cancelled: " + task.isCancelled());
            }
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
