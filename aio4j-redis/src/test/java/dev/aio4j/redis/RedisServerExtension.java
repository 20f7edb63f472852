package dev.aio4j.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a real {@code redis-server} for a test class: a free loopback port, no persistence
 * ({@code --save "" --appendonly no}), a temporary directory; waits until it answers {@code PING}
 * and stops it after the class ({@code SHUTDOWN NOSAVE}, then {@code destroyForcibly}). Test
 * methods take a {@link RedisServer} parameter.
 *
 * <p>If {@code redis-server} is not on the {@code PATH} (or {@code -Dredis.server=path} names none),
 * the class is skipped with a message saying so — never silently.
 */
public final class RedisServerExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RedisServerExtension.class);

    /** The redis-server executable, or null if there is none. */
    static String executable() {
        String configured = System.getProperty("redis.server");
        if (configured != null && !configured.isEmpty()) {
            return new File(configured).canExecute() ? configured : null;
        }
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) return f.getAbsolutePath();
        }
        return null;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String exe = executable();
        if (exe == null) {
            String configured = System.getProperty("redis.server");
            String why = configured != null && !configured.isEmpty()
                    ? "-Dredis.server=" + configured + " is not an executable file"
                    : "redis-server is not on the PATH (" + System.getenv("PATH") + ")";
            String msg = why + ": the real-Redis tests of aio4j-redis are skipped. Install it (Debian: apt-get install"
                    + " redis-server) or pass -Dredis.server=/path/to/redis-server";
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + msg);
            return ConditionEvaluationResult.disabled(msg);
        }
        return ConditionEvaluationResult.enabled("redis-server found at " + exe);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getStore(NS).put("server", RedisServer.start(executable()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RedisServer s = context.getStore(NS).remove("server", RedisServer.class);
        if (s != null) s.stop();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        ExtensionContext c = e;
        while (c != null) {
            RedisServer s = c.getStore(NS).get("server", RedisServer.class);
            if (s != null) return s;
            c = c.getParent().orElse(null);
        }
        throw new IllegalStateException("no redis-server started for " + e.getDisplayName());
    }

    /** One running redis-server. */
    public static final class RedisServer {
        private final Process process;
        private final int port;
        private final Path dir;
        private final List<RedisClient> clients = new ArrayList<>();

        private RedisServer(Process process, int port, Path dir) {
            this.process = process;
            this.port = port;
            this.dir = dir;
        }

        static RedisServer start(String exe) throws Exception {
            Exception last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
                Path dir = Files.createTempDirectory("aio4j-redis-test");
                Process p = new ProcessBuilder(exe, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.log").toFile())
                        .start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline && p.isAlive()) {
                    if ("+PONG".equals(rawCommand(port, "PING"))) return new RedisServer(p, port, dir);
                    Thread.sleep(20); // polling a child process's start-up: no event to wait on
                }
                p.destroyForcibly();
                last = new IOException("redis-server on port " + port + " did not answer PING: "
                        + Files.readString(dir.resolve("redis.log")));
            }
            throw last;
        }

        /** Sends one inline command over a fresh socket and returns the first reply line, or null. */
        static String rawCommand(int port, String command) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
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

        /** The port on 127.0.0.1. */
        public int port() {
            return port;
        }

        /** The server's URI. */
        public RedisURI uri() {
            return RedisURI.Builder.redis("127.0.0.1", port).withTimeout(Duration.ofSeconds(20)).build();
        }

        /** A new client of this server, shut down with the server. */
        public RedisClient client() {
            return client(Duration.ofSeconds(20));
        }

        /** A new client of this server with this command timeout, shut down with the server. */
        public synchronized RedisClient client(Duration commandTimeout) {
            RedisClient c = RedisClient.create(RedisURI.Builder.redis("127.0.0.1", port).withTimeout(commandTimeout).build());
            clients.add(c);
            return c;
        }

        /** A synchronous admin connection (its own client). */
        public StatefulRedisConnection<String, String> admin() {
            return client().connect();
        }

        /** The child process's pid. */
        public long pid() {
            return process.pid();
        }

        void stop() {
            synchronized (this) {
                for (RedisClient c : clients) {
                    try {
                        c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                    } catch (RuntimeException ignored) {
                        // the server goes anyway
                    }
                }
                clients.clear();
            }
            rawCommand(port, "SHUTDOWN NOSAVE");
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind
            }
        }
    }
}
