package dev.aio4j.benchmarks;

import dev.aio4j.Loop;
import dev.aio4j.redis.JobCodec;
import dev.aio4j.redis.RedisQueue;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Redis workload (not part of {@code smoke}): jobs per second through a {@link RedisQueue}
 * with 1 and 4 worker JVMs on loopback, beside the floor — a plain Lettuce {@code LPUSH} /
 * {@code BRPOP} queue with no leases, no acks, no join counter.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar redis [JOBS]      (default 20,000 jobs)</pre>
 *
 * <p>Uses {@code REDIS_URL} if set, else starts a {@code redis-server} from the {@code PATH} on a
 * free loopback port (no persistence); with neither, it prints why and exits 0. Each run: the
 * producer preloads JOBS jobs, starts W worker JVMs and waits until each has connected, then
 * says "go" and measures until every job is done — for the queue, until {@code join()} completes
 * (every job acknowledged by a fenced ack script); for the floor, until every worker has popped its
 * stop marker. Workers: the queue runs {@code work(32, no-op)}; the floor runs 4 connections each
 * looping {@code BRPOP}. Lines: {@code redis <variant> <workers> <jobs> <wall_ms> <jobs_per_s>}.
 */
public final class RedisBench {
    private RedisBench() {}

    static final int FLOOR_CONNECTIONS = 4;
    static final int QUEUE_CONCURRENCY = 32;

    public static int run(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 20_000;
        Server server = Server.start();
        if (server == null) return 0;
        try {
            System.out.println("# redis workload: " + jobs + " jobs, worker JVMs on loopback, " + server.uri
                    + "; line: redis variant workers jobs wall_ms jobs_per_s");
            double[] floor = new double[5];
            double[] queue = new double[5];
            for (int workers : new int[] {1, 4}) {
                floor[workers] = measure(server, "floor", workers, jobs);
                queue[workers] = measure(server, "queue", workers, jobs);
            }
            for (int workers : new int[] {1, 4}) {
                System.out.printf("# %d worker JVM(s): RedisQueue %.0f jobs/s = %.0f %% of the LPUSH/BRPOP floor (%.0f jobs/s)%n",
                        workers, queue[workers], 100 * queue[workers] / floor[workers], floor[workers]);
            }
            return 0;
        } finally {
            server.stop();
        }
    }

    /** One run; returns jobs/s. */
    static double measure(Server server, String variant, int workers, int jobs) throws Exception {
        String name = variant + "-" + workers + "-" + System.nanoTime();
        RedisClient client = RedisClient.create(server.uri);
        List<Process> children = new ArrayList<>();
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> sync = conn.sync();
            RedisAsyncCommands<String, String> async = conn.async();
            RedisQueue<String> q = null;
            if (variant.equals("queue")) {
                q = RedisQueue.builder(client, name, JobCodec.utf8()).build();
                q.open().get();
                List<CompletableFuture<String>> puts = new ArrayList<>();
                for (int i = 0; i < jobs; i++) {
                    puts.add(q.put("job-" + i));
                    if (puts.size() == 2000) {
                        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
                        puts.clear();
                    }
                }
                CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
            } else {
                List<RedisFuture<Long>> pushes = new ArrayList<>();
                for (int i = 0; i < jobs; i++) {
                    pushes.add(async.lpush(name, "job-" + i));
                    if (pushes.size() == 2000) {
                        for (RedisFuture<Long> f : pushes) f.get();
                        pushes.clear();
                    }
                }
                for (int i = 0; i < workers * FLOOR_CONNECTIONS; i++) pushes.add(async.lpush(name, "stop"));
                for (RedisFuture<Long> f : pushes) f.get();
            }
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            for (int w = 0; w < workers; w++) {
                children.add(new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                        RedisBench.class.getName(), variant, server.uri.toString(), name)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start());
            }
            for (int w = 0; w < workers; w++) {
                KeyValue<String, String> ready = sync.blpop(120, "ready:" + name);
                if (ready == null) throw new IllegalStateException("a worker JVM did not get ready in 120 s");
            }
            long start = System.nanoTime();
            for (int w = 0; w < workers; w++) sync.lpush("go:" + name, "go");
            if (q != null) {
                q.join().get(600, TimeUnit.SECONDS);
            } else {
                for (int w = 0; w < workers; w++) {
                    if (sync.blpop(600, "done:" + name) == null) throw new IllegalStateException("a floor worker did not finish");
                }
            }
            long nanos = System.nanoTime() - start;
            double perSecond = jobs / (nanos / 1e9);
            if (q != null) {
                var s = q.stats().get();
                if (s.unfinished() != 0 || s.pending() != 0 || s.ready() != 0) throw new IllegalStateException("not all done: " + s);
                q.shutdown();
            } else if (sync.llen(name) != 0) {
                throw new IllegalStateException("floor: " + sync.llen(name) + " jobs left");
            }
            for (int w = 0; w < workers; w++) sync.lpush("exit:" + name, "exit");
            for (Process p : children) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            if (q != null) q.closeAsync().get();
            System.out.printf("redis %s %d %d %d %.0f%n", variant.equals("queue") ? "RedisQueue" : "lpush-brpop",
                    workers, jobs, nanos / 1_000_000, perSecond);
            return perSecond;
        } finally {
            for (Process p : children) p.destroyForcibly();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** A worker JVM: {@code RedisBench queue|floor uri name}. */
    public static void main(String[] args) throws Exception {
        String variant = args[0];
        RedisClient client = RedisClient.create(RedisURI.create(args[1]));
        String name = args[2];
        StatefulRedisConnection<String, String> control = client.connect();
        if (variant.equals("queue")) {
            RedisQueue<String> q = RedisQueue.builder(client, name, JobCodec.utf8()).build();
            q.open().get();
            control.sync().rpush("ready:" + name, "1");
            control.sync().blpop(0, "go:" + name);
            try (Loop loop = Loop.create("bench-worker")) {
                var pool = loop.task(() -> q.work(QUEUE_CONCURRENCY, job -> CompletableFuture.completedFuture(null)));
                control.sync().blpop(0, "exit:" + name);
                q.shutdown();
                pool.get(60, TimeUnit.SECONDS);
            }
            q.closeAsync().get();
        } else {
            List<StatefulRedisConnection<String, String>> conns = new ArrayList<>();
            for (int i = 0; i < FLOOR_CONNECTIONS; i++) conns.add(client.connect());
            control.sync().rpush("ready:" + name, "1");
            control.sync().blpop(0, "go:" + name);
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (StatefulRedisConnection<String, String> c : conns) loops.add(popLoop(c.async(), name));
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get();
            control.sync().rpush("done:" + name, "1");
            control.sync().blpop(0, "exit:" + name);
            for (StatefulRedisConnection<String, String> c : conns) c.close();
        }
        control.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        System.exit(0);
    }

    /** BRPOP until the stop marker, one command after another on one connection (continuations on Lettuce's thread). */
    static CompletableFuture<Void> popLoop(RedisAsyncCommands<String, String> c, String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Object() {
            void next() {
                c.brpop(0, name).whenComplete((kv, e) -> {
                    if (e != null) done.completeExceptionally(e);
                    else if (kv != null && "stop".equals(kv.getValue())) done.complete(null);
                    else next();
                });
            }
        }.next();
        return done;
    }

    /** REDIS_URL, or a redis-server of our own on a free loopback port. */
    static final class Server {
        final RedisURI uri;
        final Process process;

        Server(RedisURI uri, Process process) {
            this.uri = uri;
            this.process = process;
        }

        static Server start() throws Exception {
            String url = System.getenv("REDIS_URL");
            if (url != null && !url.isEmpty()) return new Server(RedisURI.create(url), null);
            String exe = null;
            String path = System.getenv("PATH");
            for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
                if (new File(dir, "redis-server").canExecute()) {
                    exe = new File(dir, "redis-server").getAbsolutePath();
                    break;
                }
            }
            if (exe == null) {
                System.out.println("# redis workload skipped: no redis-server on the PATH and no REDIS_URL");
                return null;
            }
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("aio4j-bench-redis");
            Process p = new ProcessBuilder(exe, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"+PONG".equals(command(port, "PING"))) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new IOException("redis-server did not start");
                }
                Thread.sleep(20);
            }
            return new Server(RedisURI.Builder.redis("127.0.0.1", port).withTimeout(Duration.ofSeconds(60)).build(), p);
        }

        void stop() throws InterruptedException {
            if (process == null) return;
            command(uri.getPort(), "SHUTDOWN NOSAVE");
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }

        static String command(int port, String command) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') line.append((char) c);
                return line.toString();
            } catch (IOException e) {
                return null;
            }
        }
    }
}
