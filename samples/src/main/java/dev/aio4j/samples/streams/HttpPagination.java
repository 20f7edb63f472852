package dev.aio4j.samples.streams;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aio4j.Async;
import dev.aio4j.AsyncStream;
import dev.aio4j.Emitter;
import dev.aio4j.Loop;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP pagination stream: an async generator fetches page after page with the JDK
 * {@link HttpClient} ({@code sendAsync}) and emits the page's items one by one, following the
 * "next" link until there is none. It is lazy: a consumer that takes seven items causes three page
 * requests (of three items each), not all of them; the local server counts them.
 */
public final class HttpPagination {
    private HttpPagination() {}

    static final int PAGES = 10;
    static final int PER_PAGE = 3;

    /** Serves {@code /items?page=N}: "item-a,item-b,item-c" and, except on the last page, "\nnext=N+1". */
    static HttpServer server(AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/items", (HttpExchange ex) -> {
            requests.incrementAndGet();
            int page = Integer.parseInt(ex.getRequestURI().getQuery().replace("page=", ""));
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < PER_PAGE; i++) body.append(i == 0 ? "" : ",").append("item-").append(page * PER_PAGE + i);
            if (page + 1 < PAGES) body.append("\nnext=").append(page + 1);
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    /** Every item of every page, fetched as the consumer asks for them. */
    static AsyncStream<String> items(HttpClient client, URI base) {
        return AsyncStream.generate(out -> fetchFrom(client, base, 0, out));
    }

    private static CompletionStage<?> fetchFrom(HttpClient client, URI base, int page, Emitter<String> out) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/items?page=" + page)).build();
        return client.sendAsync(req, BodyHandlers.ofString()).thenCompose(resp -> {
            String[] parts = resp.body().split("\nnext=");
            List<String> items = Arrays.asList(parts[0].split(","));
            int[] i = {0};
            CompletionStage<Void> emitted = Async.repeatWhile(() -> out.emit(items.get(i[0]++)).thenApply(v -> i[0] < items.size()));
            return emitted.thenCompose(v -> parts.length > 1
                    ? fetchFrom(client, base, Integer.parseInt(parts[1].trim()), out)
                    : CompletableFuture.completedFuture(null));
        });
    }

    public static void run() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = server(requests);
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
            List<String> seven = Loop.run(() -> items(client, base).take(7).toList());
            System.out.println("first seven: " + seven + " (" + requests.get() + " page requests)");
            requests.set(0);
            long all = Loop.run(() -> items(client, base).count());
            System.out.println("all items: " + all + " (" + requests.get() + " page requests)");
        } finally {
            server.stop(0);
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
