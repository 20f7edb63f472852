package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failures nobody looked at are reported once; looked-at ones never. */
@Timeout(60)
class DiagnosticsTest {

    @Test
    void anUnretrievedFailureIsReportedWithTheTaskNameOnceTheTaskIsGarbage() throws Exception {
        CompletableFuture<String> reported = new CompletableFuture<>();
        try (Loop loop = Loop.create("diag")) {
            loop.setExceptionHandler((message, error) -> {
                if (error instanceof IOException) reported.complete(message + " | " + error.getMessage());
            });
            loop.task("doomed", () -> {
                throw new IOException("disk on fire");
            });
            String report = null;
            for (int i = 0; i < 100 && report == null; i++) {
                System.gc();
                try {
                    report = reported.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // the task is not collected yet: collect again
                }
            }
            assertTrue(report != null, "the failure was never reported");
            assertTrue(report.contains("never retrieved"), report);
            assertTrue(report.contains("doomed"), report);
            assertTrue(report.contains("disk on fire"), report);
        }
    }

    @Test
    void aFailureThatWasJoinedOrAwaitedIsNeverReported() throws Exception {
        List<Throwable> reports = new CopyOnWriteArrayList<>();
        try (Loop loop = Loop.create("diag-seen")) {
            loop.setExceptionHandler((message, error) -> reports.add(error));
            Task<Object> joined = loop.task("joined", () -> {
                throw new IOException("seen by join");
            });
            try {
                joined.join();
            } catch (CompletionException expected) {
                assertEquals("seen by join", expected.getCause().getMessage());
            }
            Task<Object> awaited = loop.task("awaiter", () -> Async.task(() -> {
                throw new IOException("seen by its awaiter");
            }));
            try {
                awaited.join();
            } catch (CompletionException expected) {
                assertEquals("seen by its awaiter", expected.getCause().getMessage());
            }
            // a marker failure that nobody looks at proves the collector ran past the others
            CompletableFuture<Void> marker = new CompletableFuture<>();
            loop.setExceptionHandler((message, error) -> {
                if ("marker".equals(error.getMessage())) marker.complete(null);
                else reports.add(error);
            });
            joined = null;
            awaited = null;
            loop.task(() -> {
                throw new IllegalStateException("marker");
            });
            for (int i = 0; i < 100 && !marker.isDone(); i++) {
                System.gc();
                try {
                    marker.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // collect again
                }
            }
            assertTrue(marker.isDone(), "the marker was never reported");
            System.gc();
            assertFalse(reports.stream().anyMatch(e -> e instanceof IOException), "reported a failure someone retrieved: " + reports);
        }
    }
}
