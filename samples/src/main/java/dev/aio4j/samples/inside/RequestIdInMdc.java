package dev.aio4j.samples.inside;

import dev.aio4j.Async;
import dev.aio4j.Task;
import dev.aio4j.context.MdcContextPropagator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.MDC;

/**
 * A request id in the SLF4J MDC that stays on every log line of its request, across
 * {@code toThread}, {@code gather} and the threads of the shared loop.
 *
 * <p>Without a propagator the MDC is lost at the first hop to another thread (and worse, a thread
 * may carry another request's id). {@link MdcContextPropagator} (artifact
 * {@code aio4j-context-propagation}), registered once, makes every task carry the MDC of the code
 * that created it: the id put before {@code Async.task} is on each line of that task, of the
 * children it creates and of its blocking jobs, and on no other request's. A logger prints it
 * with {@code %X{requestId}} in its pattern; {@link #log} plays that logger here.
 */
public final class RequestIdInMdc {
    private RequestIdInMdc() {}

    /** A log line: the MDC's request id, the message, the thread. */
    static void log(String message) {
        System.out.println("[" + MDC.get("requestId") + "] " + message + " (" + Thread.currentThread().getName() + ")");
    }

    /** One request: a blocking database read on another thread, then two calls in parallel. */
    static CompletionStage<String> handle(int user) {
        log("user " + user + ": request received");
        Task<String> row = Async.toThread(() -> {
            log("user " + user + ": SELECT * FROM users (blocking, on a worker thread)");
            Thread.sleep(20);
            return "row-" + user;
        });
        return row.thenCompose(r -> {
            log("user " + user + ": got " + r);
            Task<String> profile = Async.task(() -> Async.sleep(Duration.ofMillis(10)).thenApply(x -> {
                log("user " + user + ": profile service answered");
                return "profile";
            }));
            Task<String> orders = Async.task(() -> Async.sleep(Duration.ofMillis(15)).thenApply(x -> {
                log("user " + user + ": orders service answered");
                return "orders";
            }));
            return Async.gather(profile, orders);
        }).thenApply(parts -> {
            log("user " + user + ": response sent " + parts);
            return "ok";
        });
    }

    public static void run() throws Exception {
        MdcContextPropagator mdc = new MdcContextPropagator();
        Async.registerContextPropagator(mdc); // once, at startup
        try {
            List<Task<String>> requests = new ArrayList<>();
            for (int user = 1; user <= 3; user++) {
                MDC.put("requestId", "req-" + user); // what a servlet filter does
                int u = user;
                requests.add(Async.task(() -> handle(u))); // on the shared loop
                MDC.remove("requestId");
            }
            Async.gather(requests).join();
            log("main: all requests answered (no request id here)");
        } finally {
            Async.unregisterContextPropagator(mdc);
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
