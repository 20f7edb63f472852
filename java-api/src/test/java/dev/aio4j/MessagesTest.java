package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Error messages say what went wrong where: what timed out, which task's body returned null and where it was written. */
@Timeout(20)
class MessagesTest {
    private static final Duration FOREVER = Duration.ofDays(365);

    @Test
    void aWaitForTimeoutNamesTheTaskItAwaited() {
        Task<String> fetch = Async.task("fetch", () -> Async.sleep(FOREVER, "never"));
        Throwable e = failure(Async.waitFor(fetch, Duration.ZERO));
        assertInstanceOf(TimeoutException.class, e);
        assertEquals("Task[fetch] timed out after PT0S", e.getMessage());
    }

    @Test
    void aWaitForTimeoutNamesTheKindOfFutureItAwaited() {
        Throwable e = failure(Async.waitFor(new CompletableFuture<String>(), Duration.ofNanos(500_000)));
        assertInstanceOf(TimeoutException.class, e);
        assertEquals("CompletableFuture timed out after PT0.0005S", e.getMessage());
    }

    @Test
    void aTimeoutBlockNamesItsOwnTask() {
        Task<String> t = Async.timeout(Duration.ZERO, () -> Async.sleep(FOREVER, "never"));
        Throwable e = failure(t);
        assertInstanceOf(TimeoutException.class, e);
        assertEquals("Task[" + t.name() + "] timed out after PT0S", e.getMessage());
    }

    @Test
    void aBodyThatReturnsNullNamesItsTaskAndWhereItWasWritten() {
        Throwable e = failure(Async.task("load-user", () -> null));
        assertInstanceOf(NullPointerException.class, e);
        assertEquals("Task[load-user]: its call() returned null instead of a CompletionStage"
                + " (the body was written in dev.aio4j.MessagesTest)", e.getMessage());
    }

    @Test
    void anUnnamedTaskIsNamedByItsNumber() {
        Task<Object> t = Async.task(new NullBody());
        Throwable e = failure(t);
        assertEquals("Task[" + t.name() + "]: its call() returned null instead of a CompletionStage"
                + " (the body was written in dev.aio4j.MessagesTest$NullBody)", e.getMessage());
    }

    @Test
    void aTaskGroupBodyThatReturnsNullNamesItsGroupAndWhereItWasWritten() {
        Throwable e = failure(Async.taskGroup("report", group -> null));
        assertInstanceOf(NullPointerException.class, e);
        assertTrue(e.getMessage().startsWith("Task[report]: its task group body returned null"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(the body was written in dev.aio4j.MessagesTest)"), e.getMessage());
    }

    private static final class NullBody implements AsyncCallable<Object> {
        @Override
        public CompletionStage<Object> call() {
            return null;
        }
    }

    /** The failure of a stage, unwrapped, waiting for it (bounded). */
    private static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected " + stage + " to fail");
    }
}
