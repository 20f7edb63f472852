package dev.aio4j.samples.redis;

import dev.aio4j.redis.JobCodec;
import dev.aio4j.redis.RedisQueue;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A producer and two worker processes sharing one {@link RedisQueue}; one worker is killed
 * ({@code SIGKILL}) halfway. Every job is done once — or, for the jobs the killed worker was in the
 * middle of, twice — and none is lost: the killed worker's leases expire and the other worker
 * claims its jobs. That is at-least-once.
 */
public final class RedisKilledWorker {
    private RedisKilledWorker() {}

    public static final int JOBS = 40;

    public static void run() throws Exception {
        try (LocalRedis redis = LocalRedis.start()) {
            if (redis == null) return;
            String name = "killed-worker-" + ProcessHandle.current().pid();
            RedisQueue<String> queue = RedisQueue.builder(redis.client(), name, JobCodec.utf8()).build();
            queue.open().join();
            RedisCommands<String, String> admin = redis.client().connect().sync();
            List<Process> workers = new ArrayList<>();
            try {
                for (String w : List.of("worker-a", "worker-b")) workers.add(startWorker(redis, name, w));
                for (int i = 0; i < JOBS; i++) queue.put(String.format("job-%02d", i)).join();
                System.out.println("producer put " + JOBS + " jobs");

                // halfway: kill worker-a while it holds jobs
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (admin.llen("log:" + name) < JOBS / 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10); // watching another process's progress through Redis
                }
                workers.get(0).destroyForcibly().waitFor();
                System.out.println("killed worker-a (SIGKILL) after " + admin.llen("log:" + name) + " jobs were done");

                queue.join().get(60, TimeUnit.SECONDS);
                Map<String, String> runs = new TreeMap<>(admin.hgetall("runs:" + name));
                long once = runs.values().stream().filter("1"::equals).count();
                long more = runs.size() - once;
                System.out.println("join: every job done; jobs run once: " + once + ", run again after the kill: " + more
                        + ", lost: " + (JOBS - runs.size()));
                for (Map.Entry<String, String> e : runs.entrySet()) {
                    if (!e.getValue().equals("1")) System.out.println("  " + e.getKey() + " ran " + e.getValue() + " times");
                }
            } finally {
                queue.shutdown();
                for (Process p : workers) p.destroyForcibly().waitFor();
                queue.closeAsync().join();
            }
        }
    }

    static Process startWorker(LocalRedis redis, String queue, String name) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                RedisWorkerProcess.class.getName(), redis.uri().toURI().toString(), queue, name)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
