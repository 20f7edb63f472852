package dev.aio4j.redis;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A worker process for the crash tests: {@code RedisWorkerMain port queue mode}. It runs
 * {@code work(1, handler)} on the queue; the handler records {@code executions:<id>} and then
 * {@code started:<id>} (its pid) in Redis, then
 * <ul>
 * <li>{@code hang}: never finishes (the test kills the process);</li>
 * <li>{@code wait-go}: finishes once the key {@code go:<id>} exists; then the process reports its
 * {@code stats().leasesLost()} as {@code leasesLost:<queue>} and exits.</li>
 * </ul>
 */
public final class RedisWorkerMain {
    private RedisWorkerMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String queue = args[1];
        String mode = args[2];
        RedisClient client = RedisClient.create(RedisURI.Builder.redis("127.0.0.1", port)
                .withTimeout(Duration.ofSeconds(20)).build());
        RedisAsyncCommands<String, String> redis = client.connect().async();
        long pid = ProcessHandle.current().pid();
        RedisQueue<String> q = RedisQueue.builder(client, queue, JobCodec.utf8())
                .visibilityTimeout(Duration.ofSeconds(3))
                .leaseRenewal(mode.equals("hang") ? Duration.ofMillis(500) : Duration.ZERO)
                .consumerName("child-" + pid)
                .build();
        Loop.run(() -> q.open().thenCompose(v -> {
            CompletableFuture<Void> handled = new CompletableFuture<>();
            // executions first: once "started" is visible, the run is counted (the test kills us then)
            q.work(1, item -> redis.incr("executions:" + item)
                    .thenCompose(n -> redis.set("started:" + item, Long.toString(pid)))
                    .thenCompose(ok -> {
                        if (mode.equals("hang")) return new CompletableFuture<Void>();
                        return Async.repeatWhile(() -> redis.exists("go:" + item)
                                .thenCompose(e -> e > 0 ? CompletableFuture.completedFuture(false)
                                        : Async.sleep(Duration.ofMillis(20), true)))
                                .whenComplete((x, e) -> handled.complete(null));
                    }));
            System.out.println("worker " + pid + " ready on " + q);
            System.out.flush();
            // after the handler finished, wait for the pool's ack to be refused, then report
            return handled.thenCompose(x -> Async.repeatWhile(() -> q.stats().thenCompose(s -> s.leasesLost() > 0
                    ? redis.set("leasesLost:" + queue, Long.toString(s.leasesLost())).thenApply(ok -> false)
                    : Async.sleep(Duration.ofMillis(20), true))));
        }));
        System.out.println("worker " + pid + " done");
        q.closeAsync().get();
        client.shutdown();
        System.exit(0);
    }
}
