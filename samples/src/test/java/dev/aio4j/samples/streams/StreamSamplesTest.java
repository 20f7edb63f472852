package dev.aio4j.samples.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Loop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream samples: what each prints, and the behaviour it shows, checked in the shape users write it. */
@Timeout(120)
class StreamSamplesTest {

    private static String output(ThrowingRunnable sample) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            sample.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aFailingWorkerCancelsTheOthersAndNothingIsLeftRunning() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        // The sample's jobs, with the timing pinned: job 6 fails only once jobs 7, 8 and 9 run on the
        // other three workers, and those wait for an event that is never set (only a cancel ends them)
        AsyncEvent othersRunning = new AsyncEvent();
        AsyncEvent never = new AsyncEvent();
        IntFunction<CompletionStage<Integer>> jobs = j -> {
            if (j < 6) return WorkerPool.work(j, 6);
            if (j == 6) return othersRunning.await().thenCompose(v -> WorkerPool.work(j, 6));
            if (j == 9) othersRunning.set();
            return never.await().thenApply(v -> j * j);
        };
        IOException e = assertThrows(IOException.class, () -> WorkerPool.pipeline(jobs, started, finished, cancelled));
        assertEquals("job 6 failed", e.getMessage());
        // Loop.run returned after every task had finished: each started job either finished, failed (job 6) or was cancelled
        String counts = started + " started, " + finished + " finished, " + cancelled + " cancelled";
        assertEquals(10, started.get(), () -> "jobs 0 to 9 started, the jobs after the failure never did: " + counts);
        assertEquals(6, finished.get(), () -> "jobs 0 to 5 finished: " + counts);
        assertEquals(3, cancelled.get(), () -> "jobs 7, 8 and 9, in flight on the other workers, were cancelled: " + counts);

        String out = output(WorkerPool::run);
        assertTrue(out.contains("20 jobs on 4 workers: 20 results, sum of squares 2470"), out);
        assertTrue(out.contains("the stream failed with \"job 6 failed\""), out);
    }

    @Test
    void aCallbackSourceUnregistersItsListenerWhenTheStreamEnds() throws Exception {
        try (CallbackStream.Sensor sensor = new CallbackStream.Sensor()) {
            List<Integer> five = Loop.run(() -> CallbackStream.readings(sensor, new AtomicInteger()).take(5).toList());
            assertEquals(5, five.size());
            assertTrue(CallbackStream.isIncreasing(five), five::toString);
            assertEquals(0, sensor.listeners.size(), "onCancel removed the listener");
        }
        String out = output(CallbackStream::run);
        assertTrue(out.contains("five readings: 5 in increasing order"), out);
        assertTrue(out.contains("listeners left on the sensor after the stream ended: 0"), out);
    }

    @Test
    void paginationFetchesOnlyThePagesTheConsumerNeeds() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpPagination.server(requests);
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
            List<String> seven = Loop.run(() -> HttpPagination.items(client, base).take(7).toList());
            assertEquals(List.of("item-0", "item-1", "item-2", "item-3", "item-4", "item-5", "item-6"), seven);
            assertEquals(3, requests.get(), "pages 0, 1 and 2, not the other seven");
            requests.set(0);
            assertEquals(30L, Loop.run(() -> HttpPagination.items(client, base).count()));
            assertEquals(10, requests.get());
        } finally {
            server.stop(0);
        }
        String out = output(HttpPagination::run);
        assertTrue(out.contains("(3 page requests)") && out.contains("all items: 30 (10 page requests)"), out);
    }

    @Test
    void aKotlinFlowGoesToJavaAndBack() throws Exception {
        String out = output(FlowFromJava::run);
        assertTrue(out.contains("from Kotlin to Java: [21.0, 21.5, 22.0, 22.5, 23.0]"), out);
        assertTrue(out.contains("and back to Kotlin: [21.0 °C, 21.5 °C, 22.0 °C, 22.5 °C, 23.0 °C]"), out);
    }
}
