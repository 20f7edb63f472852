package dev.aio4j.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aio4j.Async;
import dev.aio4j.Loop;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * Five HTTP GETs to a slow server: one after another, then all at once with {@code Async.gather}
 * over the JDK {@link HttpClient}'s {@code sendAsync} futures. The concurrent run takes about
 * the time of one request.
 *
 * <p>asyncio: {@code requests.get} in a loop versus {@code asyncio.gather} of aiohttp requests.
 * Here the server is local (an ephemeral port on the loopback address), and answers each request
 * after 200 ms, so the sample needs no network. Cancelling the gather would cancel every request
 * still in flight ({@code cancel(true)} on the client's futures).
 */
public final class ConcurrentHttp {
    private ConcurrentHttp() {}

    static final int REQUESTS = 5;
    static final long SERVER_DELAY_MILLIS = 200;

    /** The slow server's handler: think for 200 ms, then answer with the path it was asked for. */
    static void slowHello(HttpExchange exchange) throws IOException {
        try {
            Thread.sleep(SERVER_DELAY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body = ("hello from " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public static void run() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // One handler thread per request in flight, so the server's 200 ms waits overlap
        // (the default runs every handler on the server's single dispatcher thread).
        ExecutorService handlers = Executors.newFixedThreadPool(REQUESTS + 3);
        server.createContext("/", ConcurrentHttp::slowHello);
        server.setExecutor(handlers);
        server.start();
        try {
            URI base = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<HttpRequest> requests = IntStream.range(0, REQUESTS)
                    .mapToObj(i -> HttpRequest.newBuilder(base.resolve("/item/" + i)).GET().build())
                    .toList();
            // warm-up: open the client's connections, so neither run below pays for setting them up
            CompletableFuture.allOf(requests.stream()
                    .map(request -> client.sendAsync(request, BodyHandlers.discarding()))
                    .toArray(CompletableFuture[]::new)).join();

            // one after another: requests.get(url) in a loop
            long start = System.nanoTime();
            for (HttpRequest request : requests) {
                HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
                System.out.println(response.statusCode() + " " + response.body());
            }
            long sequential = (System.nanoTime() - start) / 1_000_000;
            System.out.println("sequential: " + REQUESTS + " requests in " + sequential + " ms");

            // all at once: gather the client's futures
            start = System.nanoTime();
            Loop.run(() -> {
                List<CompletableFuture<HttpResponse<String>>> inFlight = requests.stream()
                        .map(request -> client.sendAsync(request, BodyHandlers.ofString()))
                        .toList();
                return Async.gather(inFlight).thenApply(responses -> {
                    for (HttpResponse<String> response : responses) { // in request order
                        System.out.println(response.statusCode() + " " + response.body());
                    }
                    return null;
                });
            });
            long concurrent = (System.nanoTime() - start) / 1_000_000;
            System.out.println("concurrent: " + REQUESTS + " requests in " + concurrent + " ms");
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
