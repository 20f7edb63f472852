package dev.aio4j.samples.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
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
import java.util.concurrent.TimeUnit;

/**
 * The Redis the Redis samples talk to: the one {@code REDIS_URL} names (your own, e.g.
 * {@code redis://127.0.0.1:6379}), else a throw-away {@code redis-server} started on a free
 * loopback port (no persistence) and stopped on {@link #close()}. Neither → {@link #start()}
 * returns null and says why, and the sample is skipped.
 */
public final class LocalRedis implements AutoCloseable {
    private final Process process; // null when REDIS_URL is used
    private final RedisURI uri;
    private final RedisClient client;

    private LocalRedis(Process process, RedisURI uri) {
        this.process = process;
        this.uri = uri;
        this.client = RedisClient.create(uri);
    }

    /** A Redis to use, or null (after printing why) when there is none. */
    public static LocalRedis start() throws Exception {
        String url = System.getenv("REDIS_URL");
        if (url != null && !url.isEmpty()) return new LocalRedis(null, RedisURI.create(url));
        String exe = executable();
        if (exe == null) {
            System.out.println("skipped: no redis-server on the PATH and no REDIS_URL (install redis-server, or"
                    + " set REDIS_URL=redis://host:port)");
            return null;
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("aio4j-sample-redis");
        Process p = new ProcessBuilder(exe, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"+PONG".equals(ping(port))) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IOException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20); // a child process starting up: nothing to wait on but its port
        }
        return new LocalRedis(p, RedisURI.Builder.redis("127.0.0.1", port).withTimeout(Duration.ofSeconds(20)).build());
    }

    /** The redis-server on the PATH, or null. */
    public static String executable() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) return f.getAbsolutePath();
        }
        return null;
    }

    private static String ping(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
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

    public RedisClient client() {
        return client;
    }

    public RedisURI uri() {
        return uri;
    }

    @Override
    public void close() throws InterruptedException {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (process != null) {
            ping(uri.getPort()); // make sure it is up before asking it to go
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
                s.getOutputStream().write("SHUTDOWN NOSAVE\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoTimeout(2000);
                s.getInputStream().read();
            } catch (IOException ignored) {
                // it went away
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}
