package dev.aio4j.redis;

import dev.aio4j.Async;
import dev.aio4j.AsyncStream;
import dev.aio4j.QueueShutDownException;
import dev.aio4j.ReturnWhen;
import dev.aio4j.Task;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A distributed work queue on Redis: {@link dev.aio4j.AsyncQueue}'s vocabulary ({@code put},
 * {@code get}, {@code taskDone}, {@code join}) for producers and workers in many processes, with
 * what distribution adds — leases, redelivery of jobs whose worker died, retries with backoff,
 * dead letters.
 *
 * <p><b>How.</b> Jobs are entries of a Redis stream ({@code {name}:stream}) read through one
 * consumer group ({@code workers}); each queue object is one consumer. A delivered job stays in
 * the group's pending list, owned by its consumer, until it is settled; if it stays idle longer
 * than {@code visibilityTimeout} (measured by the Redis server's clock) any consumer that is
 * waiting for work claims it ({@code XAUTOCLAIM}). Every step that touches more than one key is a
 * small Lua script, so it is atomic. Requires Redis 6.2 or newer (tested on 7.0).
 *
 * <p><b>At-least-once.</b> A job put is delivered until one delivery is acknowledged or it is
 * dead-lettered: a worker that dies (or stalls past its lease) has its job run again elsewhere, so
 * a job may run more than once — make handlers idempotent. A stale holder is <em>fenced</em>: its
 * ack, retry, extend, release or dead-letter is refused with {@link LeaseLostException} and
 * changes nothing. Acks are only as durable as Redis's own persistence: with {@code appendonly no}
 * a Redis crash loses recent puts and acks ({@link #reconcile()} repairs the {@code join} counter
 * afterwards).
 *
 * <p><b>Ordering.</b> Jobs are delivered in the order they were put (a retried or released job goes
 * to the back); with several workers, they may finish in any order.
 *
 * <p><b>Threads.</b> Every method is thread-safe. Every returned {@link Task} completes on the loop
 * that called the method (the shared loop outside any loop), never on a Lettuce (Netty) thread; the
 * handlers of {@link #work} run on the loop of the pool's task.
 *
 * <p><b>Cancelling.</b> Cancelling a task that waits ({@link #put} while the queue is full,
 * {@link #get}, {@link #join}) withdraws the waiter. A Redis command already sent cannot be taken
 * back: cancelling the task of a settling call, or of a {@code put} whose attempt is on the wire,
 * stops the waiting only, and the command takes effect as if it had not been cancelled.
 *
 * <p><b>Connections.</b> The queue opens three connections from the given {@link RedisClient}: one
 * for commands, one dedicated to blocking reads ({@code XREADGROUP BLOCK}; its command timeout is
 * raised above {@code blockTimeout}, and a read nobody waits for any more is ended with
 * {@code CLIENT UNBLOCK}), and one pub/sub connection for the {@code zero} / {@code space} events.
 * Lettuce reconnects on its own; with its default (at-least-once) reliability, a command in flight
 * when a connection drops is sent again after the reconnect, so a {@code put} whose reply was lost
 * may queue its job twice — at-least-once, like everything here.
 *
 * <p><b>Testing with a {@code TestLoop}</b> ({@code aio4j-test}). Create the test loop with
 * auto-advance off ({@code TestLoopOptions.defaults().withAutoAdvance(false)}, or
 * {@code @VirtualTime(autoAdvance = false)}) and let Redis run in real time. Every command is a
 * round trip outside the loop: the test loop waits for its reply in real time, and it takes zero
 * virtual time. The queue's own timers are the loop's, so they are virtual: {@link #work}'s lease
 * renewal ({@code leaseRenewal}) is sent only when the test moves the clock past it
 * ({@code advanceBy}), and the polling fallback of {@link #join} and a waiting {@link #put} fires
 * only then too. The lease, however, is measured by the server's clock: a job whose handler runs
 * longer than {@code visibilityTimeout} of real time without a renewal is claimed by another
 * waiting consumer, however little virtual time has passed. With auto-advance on, the loop would
 * jump to those timers whenever no reply is outstanding, firing renewals and polls back to back in
 * real time. So in such tests keep {@code visibilityTimeout} longer than the test's real duration,
 * or move the clock past {@code leaseRenewal} to renew. Claiming expired leases and retrying a
 * failed blocking read run on Lettuce's threads, in real time.
 *
 * @param <T> the type of the jobs
 * @since 0.1.0
 */
public final class RedisQueue<T> implements AutoCloseable {
    /** The consumer group every queue object joins. */
    static final String GROUP = "workers";
    private static final System.Logger LOG = System.getLogger(RedisQueue.class.getName());
    private static final byte[][] NO_BYTES = new byte[0][];

    /**
     * Starts building a queue.
     *
     * @param client the Lettuce client to open the queue's connections from (its default
     *     {@code RedisURI} is used; the queue never shuts the client down)
     * @param name the queue's name: its keys are {@code {name}:stream}, {@code {name}:unfinished},
     *     {@code {name}:delayed}, {@code {name}:dead}, {@code {name}:events}
     * @param codec how jobs become bytes and back
     * @param <T> the type of the jobs
     * @return a builder with the defaults
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public static <T> Builder<T> builder(RedisClient client, String name, JobCodec<T> codec) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(codec, "codec");
        if (name.isEmpty()) throw new IllegalArgumentException("name is empty");
        return new BuilderImpl<>(client, name, codec);
    }

    /**
     * Configures a {@link RedisQueue}. Not thread-safe; each setter checks its argument at once.
     *
     * @param <T> the type of the jobs
     * @since 0.1.0
     */
    public interface Builder<T> {
        /**
         * The most jobs unfinished at once (ready, pending or delayed) before {@link #put} waits;
         * counted in Redis across all producers. Default 0: unbounded, as {@code AsyncQueue}.
         *
         * @param maxsize the bound; 0 = unbounded
         * @return this builder
         * @throws IllegalArgumentException if {@code maxsize < 0}
         */
        Builder<T> maxsize(long maxsize);

        /**
         * How long a delivered job may stay idle (not renewed) before another consumer may claim
         * it. Default 30 s.
         *
         * @param lease the lease; positive
         * @return this builder
         * @throws NullPointerException if {@code lease} is null
         * @throws IllegalArgumentException if {@code lease} is not positive
         */
        Builder<T> visibilityTimeout(Duration lease);

        /**
         * How often {@link #work} renews the lease of a running handler. Default
         * {@code visibilityTimeout / 3}; zero turns renewal off.
         *
         * @param every the renewal period; zero = off
         * @return this builder
         * @throws NullPointerException if {@code every} is null
         * @throws IllegalArgumentException if {@code every} is negative
         */
        Builder<T> leaseRenewal(Duration every);

        /**
         * The most deliveries of one job: no job is handed out with a
         * {@link Delivery#deliveryCount()} above it; a job whose next delivery would exceed it is
         * dead-lettered instead. Default 5.
         *
         * @param n the limit; at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        Builder<T> maxDeliveries(int n);

        /**
         * How long one blocking read ({@code XREADGROUP BLOCK}) waits before it is issued again.
         * Default 2 s.
         *
         * @param block the read's timeout; positive
         * @return this builder
         * @throws NullPointerException if {@code block} is null
         * @throws IllegalArgumentException if {@code block} is not positive
         */
        Builder<T> blockTimeout(Duration block);

        /**
         * This queue object's consumer name in the group; must be unique among live processes
         * (two processes with one name would share their pending jobs). Default
         * {@code host-pid-random}.
         *
         * @param name the consumer name; not empty
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is empty
         */
        Builder<T> consumerName(String name);

        /**
         * Builds the queue; call {@link RedisQueue#open()} before using it.
         *
         * @return the queue, not yet connected
         */
        RedisQueue<T> build();
    }

    private static final class BuilderImpl<T> implements Builder<T> {
        final RedisClient client;
        final String name;
        final JobCodec<T> codec;
        long maxsize;
        Duration visibilityTimeout = Duration.ofSeconds(30);
        Duration leaseRenewal;
        int maxDeliveries = 5;
        Duration blockTimeout = Duration.ofSeconds(2);
        String consumerName;

        BuilderImpl(RedisClient client, String name, JobCodec<T> codec) {
            this.client = client;
            this.name = name;
            this.codec = codec;
        }

        @Override
        public Builder<T> maxsize(long maxsize) {
            if (maxsize < 0) throw new IllegalArgumentException("maxsize < 0: " + maxsize);
            this.maxsize = maxsize;
            return this;
        }

        @Override
        public Builder<T> visibilityTimeout(Duration lease) {
            this.visibilityTimeout = positive(lease, "visibilityTimeout");
            return this;
        }

        @Override
        public Builder<T> leaseRenewal(Duration every) {
            Objects.requireNonNull(every, "leaseRenewal");
            if (every.isNegative()) throw new IllegalArgumentException("leaseRenewal < 0: " + every);
            this.leaseRenewal = every;
            return this;
        }

        @Override
        public Builder<T> maxDeliveries(int n) {
            if (n < 1) throw new IllegalArgumentException("maxDeliveries < 1: " + n);
            this.maxDeliveries = n;
            return this;
        }

        @Override
        public Builder<T> blockTimeout(Duration block) {
            this.blockTimeout = positive(block, "blockTimeout");
            return this;
        }

        @Override
        public Builder<T> consumerName(String name) {
            Objects.requireNonNull(name, "consumerName");
            if (name.isEmpty()) throw new IllegalArgumentException("consumerName is empty");
            this.consumerName = name;
            return this;
        }

        @Override
        public RedisQueue<T> build() {
            return new RedisQueue<>(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " <= 0: " + d);
            return d;
        }
    }

    // ------------------------------------------------------------------ configuration

    private final RedisClient client;
    private final String name;
    private final JobCodec<T> codec;
    private final long maxsize;
    private final long visibilityMs;
    private final Duration leaseRenewal;
    private final int maxDeliveries;
    private final long blockMs;
    private final String consumer;

    private final byte[] kStream;
    private final byte[] kUnfinished;
    private final byte[] kDelayed;
    private final byte[] kDead;
    private final byte[] kEvents;
    private final byte[] kFull;
    private final byte[] bGroup = bytes(GROUP);
    private final byte[] bConsumer;

    // ------------------------------------------------------------------ connections (set by open)

    private volatile StatefulRedisConnection<byte[], byte[]> conn;
    private volatile StatefulRedisConnection<byte[], byte[]> reader;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private volatile RedisAsyncCommands<byte[], byte[]> cmd;
    private volatile ScheduledFuture<?> ticker;
    private volatile String serverVersion = "?";

    // ------------------------------------------------------------------ state, guarded by lock

    private final Object lock = new Object();
    private final ArrayDeque<CompletableFuture<Delivery<T>>> waiters = new ArrayDeque<>();
    private final ArrayDeque<RedisDelivery<T>> handBack = new ArrayDeque<>();
    private boolean reading;
    private boolean claiming;
    private boolean shut;
    private boolean closed;
    private String claimCursor = "0-0";
    private long ticks; // only the ticker's thread
    private CompletableFuture<Void> readerIdle = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> wake = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdownSignal = new CompletableFuture<>();
    private CompletableFuture<Void> closing;
    private volatile long readerId = -1;
    private final AtomicLong leasesLost = new AtomicLong();

    private RedisQueue(BuilderImpl<T> b) {
        this.client = b.client;
        this.name = b.name;
        this.codec = b.codec;
        this.maxsize = b.maxsize;
        this.visibilityMs = Math.max(1, b.visibilityTimeout.toMillis());
        this.leaseRenewal = b.leaseRenewal != null ? b.leaseRenewal : b.visibilityTimeout.dividedBy(3);
        this.maxDeliveries = b.maxDeliveries;
        this.blockMs = Math.max(1, b.blockTimeout.toMillis());
        this.consumer = b.consumerName != null ? b.consumerName : defaultConsumerName();
        String tag = "{" + name + "}:";
        this.kStream = bytes(tag + "stream");
        this.kUnfinished = bytes(tag + "unfinished");
        this.kDelayed = bytes(tag + "delayed");
        this.kDead = bytes(tag + "dead");
        this.kEvents = bytes(tag + "events");
        this.kFull = bytes(tag + "full");
        this.bConsumer = bytes(consumer);
    }

    private static String defaultConsumerName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isEmpty()) host = "host";
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    // ------------------------------------------------------------------ open / close

    /**
     * Connects and makes sure the stream and its consumer group exist
     * ({@code XGROUP CREATE ... 0 MKSTREAM}; an existing group is kept). Idempotent once it has
     * succeeded.
     *
     * <p>The task completes with {@code null} when the queue is ready. It fails with Lettuce's
     * exception if Redis cannot be reached, or with {@link UnsupportedOperationException} if the
     * server is older than 6.2 ({@code XAUTOCLAIM} is needed). Connecting blocks a thread, so it runs
     * through {@link Async#toThread}; cancelling the task interrupts it, and the connections it made
     * are closed again.
     *
     * @return a task completing when the queue is open
     * @throws IllegalStateException if the queue was closed
     */
    public Task<Void> open() {
        synchronized (lock) {
            if (closed) throw new IllegalStateException("queue " + name + " is closed");
        }
        return Async.toThread(() -> {
            synchronized (lock) {
                if (cmd != null) return null;
            }
            StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
            StatefulRedisConnection<byte[], byte[]> r = null;
            StatefulRedisPubSubConnection<byte[], byte[]> ps = null;
            try {
                String info = c.sync().info("server");
                serverVersion = parseVersion(info);
                if (compareVersion(serverVersion, "6.2.0") < 0) {
                    throw new UnsupportedOperationException("RedisQueue needs Redis 6.2 or newer (XAUTOCLAIM); the server is " + serverVersion);
                }
                try {
                    c.sync().xgroupCreate(XReadArgs.StreamOffset.from(kStream, "0"), bGroup, XGroupCreateArgs.Builder.mkstream());
                } catch (RedisCommandExecutionException e) {
                    if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) throw e;
                }
                for (Script s : Script.values()) c.sync().scriptLoad(s.text);
                r = client.connect(ByteArrayCodec.INSTANCE);
                Duration needed = Duration.ofMillis(blockMs * 2 + 10_000);
                if (r.getTimeout() != null && r.getTimeout().compareTo(needed) < 0) r.setTimeout(needed);
                readerId = r.sync().clientId();
                ps = client.connectPubSub(ByteArrayCodec.INSTANCE);
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(byte[] channel, byte[] message) {
                        wakeAll();
                    }
                });
                ps.sync().subscribe(kEvents);
            } catch (Throwable t) {
                c.closeAsync();
                if (r != null) r.closeAsync();
                if (ps != null) ps.closeAsync();
                throw t;
            }
            synchronized (lock) {
                if (closed) {
                    c.closeAsync();
                    r.closeAsync();
                    ps.closeAsync();
                    throw new IllegalStateException("queue " + name + " was closed while opening");
                }
                conn = c;
                reader = r;
                pubsub = ps;
                cmd = c.async();
            }
            // source 1 of get: jobs already pending on this consumer name (a restart under the same name)
            List<Object> mine = c.sync().eval(Script.RECOVER.text, ScriptOutputType.MULTI, new byte[][] {kStream},
                    bGroup, bConsumer, bytes("1000"));
            for (RedisDelivery<T> d : parseClaimed(mine)) {
                synchronized (lock) {
                    offer(d, false);
                }
            }
            long tick = Math.max(50, Math.min(500, visibilityMs / 4));
            ticker = client.getResources().eventExecutorGroup()
                    .scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
            return null;
        });
    }

    /**
     * Stops taking jobs: waiting and later {@link #get()}s fail with
     * {@link QueueShutDownException}, a blocking read in progress is ended, and {@link #work}
     * pools stop reading and complete once their running handlers have finished and settled their
     * jobs. Jobs this consumer read but never handed out stay pending on it until
     * {@link #close()} releases them. {@code put}, {@code join}, {@code stats} and the settling of
     * deliveries already handed out keep working. Idempotent; never waits.
     */
    public void shutdown() {
        List<CompletableFuture<Delivery<T>>> failed;
        synchronized (lock) {
            if (shut) return;
            shut = true;
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        shutdownSignal.complete(null);
        for (CompletableFuture<Delivery<T>> w : failed) {
            w.completeExceptionally(new QueueShutDownException("queue " + name + " is shut down"));
        }
        unblockReader();
    }

    /**
     * {@link #shutdown()}, then releases the jobs read but never handed out (for immediate
     * redelivery elsewhere) and closes the queue's connections, in the background; never waits. Use
     * {@link #closeAsync()} to wait for it. Idempotent.
     */
    @Override
    public void close() {
        closeAsync();
    }

    /**
     * As {@link #close()}, returning a task that completes with {@code null} once the held jobs are
     * released and the connections closed. A failing release is logged (the job is then reclaimed
     * after its lease). Cancelling the task stops the waiting only.
     *
     * @return a task completing when the queue is closed
     */
    public Task<Void> closeAsync() {
        shutdown();
        CompletableFuture<Void> idle;
        synchronized (lock) {
            if (closing != null) return hop("RedisQueue.close", closing);
            closed = true;
            idle = readerIdle;
            closing = new CompletableFuture<>();
        }
        ScheduledFuture<?> t = ticker;
        if (t != null) t.cancel(false);
        CompletableFuture<Void> done = idle.handle((v, e) -> null).thenCompose(v -> {
            List<RedisDelivery<T>> held;
            synchronized (lock) {
                held = new ArrayList<>(handBack);
                handBack.clear();
            }
            List<CompletableFuture<Void>> releases = new ArrayList<>();
            for (RedisDelivery<T> d : held) {
                releases.add(releaseRaw(d).handle((x, e) -> {
                    if (e != null) LOG.log(System.Logger.Level.DEBUG, "release of " + d.id() + " at close failed", e);
                    return null;
                }));
            }
            return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new));
        }).thenCompose(v -> {
            List<CompletableFuture<Void>> closes = new ArrayList<>();
            if (reader != null) closes.add(reader.closeAsync());
            if (pubsub != null) closes.add(pubsub.closeAsync());
            if (conn != null) closes.add(conn.closeAsync());
            return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new));
        });
        CompletableFuture<Void> c;
        synchronized (lock) {
            c = closing;
        }
        done.whenComplete((v, e) -> {
            if (e != null) c.completeExceptionally(e);
            else c.complete(null);
        });
        return hop("RedisQueue.close", c);
    }

    // ------------------------------------------------------------------ put / join

    /**
     * Puts a job: {@code XADD} to the stream and one more unfinished job for {@link #join()},
     * atomically. While the queue holds {@code maxsize} unfinished jobs the put waits, woken by a
     * {@code space} event when a job is done (with a polling fallback of about a second).
     *
     * <p>The task completes with the job's id. It fails with Lettuce's exception if Redis cannot
     * be reached — the job may then have been queued or not (a lost reply is ambiguous).
     * Cancelling a waiting put withdraws it; if its attempt was already on the wire when it was
     * cancelled, the job may have been queued.
     *
     * @param item the job
     * @return a task completing with the job id
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if the queue is not open
     */
    public Task<String> put(T item) {
        Objects.requireNonNull(item, "item");
        requireOpen();
        byte[] payload = codec.encode(item);
        byte[][] keys = {kStream, kUnfinished, kFull};
        byte[] max = bytes(Long.toString(maxsize));
        if (maxsize == 0) {
            return hop("RedisQueue.put", script(Script.PUT, ScriptOutputType.VALUE, keys, max, payload)
                    .thenApply(r -> string((byte[]) r)));
        }
        AtomicReference<String> id = new AtomicReference<>();
        return Async.task("RedisQueue.put", () -> Async.repeatWhile(() -> {
            CompletableFuture<Void> signal = wakeSignal();
            return script(Script.PUT, ScriptOutputType.VALUE, keys, max, payload).thenCompose(r -> {
                if (r != null) {
                    id.set(string((byte[]) r));
                    return CompletableFuture.completedFuture(false);
                }
                return pause(signal).thenApply(x -> true);
            });
        }).thenApply(v -> id.get()));
    }

    /**
     * Waits until every job put so far, by any producer, is done: acknowledged or dead-lettered
     * (a dead-lettered job counts as done, as an item dropped by {@code AsyncQueue.shutdown(true)}
     * does). Checks the {@code {name}:unfinished} counter, then waits for a {@code zero} event,
     * re-checking on each event and about every second (events can be missed across reconnects).
     *
     * <p>The task completes with {@code null}; it fails with Lettuce's exception if Redis cannot be
     * reached. Cancelling it withdraws the waiter.
     *
     * @return a task completing when no job is unfinished
     * @throws IllegalStateException if the queue is not open
     */
    public Task<Void> join() {
        requireOpen();
        return Async.task("RedisQueue.join", () -> Async.repeatWhile(() -> {
            CompletableFuture<Void> signal = wakeSignal();
            return unfinished().thenCompose(u -> u <= 0
                    ? CompletableFuture.completedFuture(false)
                    : pause(signal).thenApply(x -> true));
        }));
    }

    private CompletableFuture<Long> unfinished() {
        return fresh(cmd.get(kUnfinished)).thenApply(b -> b == null ? 0L : Long.parseLong(string(b)));
    }

    /** Waits for the next event, or about a second (jittered), whichever comes first. */
    private CompletionStage<?> pause(CompletableFuture<Void> signal) {
        long ms = 700 + ThreadLocalRandom.current().nextLong(600);
        return Async.wait(List.of(signal), ReturnWhen.FIRST_COMPLETED, Duration.ofMillis(ms));
    }

    private CompletableFuture<Void> wakeSignal() {
        synchronized (lock) {
            return wake;
        }
    }

    private void wakeAll() {
        CompletableFuture<Void> old;
        synchronized (lock) {
            old = wake;
            wake = new CompletableFuture<>();
        }
        old.complete(null);
    }

    // ------------------------------------------------------------------ get

    /**
     * Waits for a job and leases it to this consumer. Sources, in order: jobs this consumer read
     * but has not handed out, new jobs ({@code XREADGROUP ... >} on the dedicated blocking
     * connection), and jobs whose lease expired elsewhere (claimed with {@code XAUTOCLAIM} about
     * every {@code visibilityTimeout / 4}, between 50 and 500 ms). A job whose next delivery would
     * exceed {@code maxDeliveries} is dead-lettered instead of handed out.
     *
     * <p>The task completes with the {@link Delivery}; settle it with {@link Delivery#ack()} (or
     * {@link #taskDone}), {@code retry}, {@code deadLetter} or {@code release}. It fails with
     * {@link QueueShutDownException} after {@link #shutdown()}. Cancelling it withdraws the waiter:
     * a job that arrives for it anyway (a read cannot be taken back) goes to the next waiting
     * {@code get} of this queue, or is kept for the next one — never lost, never handed out twice
     * by this process. When no {@code get} waits any more, the blocking read is ended with
     * {@code CLIENT UNBLOCK}.
     *
     * @return a task completing with a leased job
     * @throws IllegalStateException if the queue is not open
     */
    public Task<Delivery<T>> get() {
        requireOpen();
        CompletableFuture<Delivery<T>> w = new CompletableFuture<>();
        synchronized (lock) {
            if (shut) {
                w.completeExceptionally(new QueueShutDownException("queue " + name + " is shut down"));
            } else if (!handBack.isEmpty()) {
                w.complete(handBack.poll());
            } else {
                waiters.add(w);
                kickReader();
            }
        }
        if (!w.isDone()) {
            w.whenComplete((d, e) -> {
                if (w.isCancelled()) onWaiterCancelled(w);
            });
        }
        Task<Delivery<T>> t = Async.task("RedisQueue.get", () -> w);
        t.whenComplete((d, e) -> {
            if (t.isCancelled() && !w.cancel(false) && !w.isCompletedExceptionally()) {
                handOn((RedisDelivery<T>) w.join()); // it arrived as the get was cancelled: pass it on
            }
        });
        return t;
    }

    /**
     * Acknowledges {@code delivery} ({@link Delivery#ack()}); {@code AsyncQueue}'s name.
     *
     * @param delivery a delivery of this queue
     * @return as {@link Delivery#ack()}: a task completing with {@code null}, failing with
     *     {@link LeaseLostException} if the lease is gone
     * @throws NullPointerException if {@code delivery} is null
     * @throws IllegalArgumentException if {@code delivery} is not from this queue
     */
    public Task<Void> taskDone(Delivery<T> delivery) {
        Objects.requireNonNull(delivery, "delivery");
        if (!(delivery instanceof RedisDelivery<?> d) || d.queue != this) {
            throw new IllegalArgumentException("delivery " + delivery + " is not from queue " + this);
        }
        return delivery.ack();
    }

    private void onWaiterCancelled(CompletableFuture<Delivery<T>> w) {
        boolean unblock;
        synchronized (lock) {
            waiters.remove(w);
            unblock = waiters.isEmpty() && reading;
        }
        if (unblock) unblockReader();
    }

    /** A delivery for this process: to the first waiter that takes it, else kept for the next get. */
    private void handOn(RedisDelivery<T> d) {
        synchronized (lock) {
            offer(d, true);
        }
    }

    private void offer(RedisDelivery<T> d, boolean front) { // under lock
        CompletableFuture<Delivery<T>> w;
        while ((w = waiters.poll()) != null) {
            if (w.complete(d)) return;
        }
        if (front) handBack.addFirst(d);
        else handBack.addLast(d);
    }

    @SuppressWarnings("unchecked") // Lettuce's varargs of generic StreamOffset
    private void kickReader() { // under lock
        if (reading || shut || waiters.isEmpty() || reader == null) return;
        reading = true;
        readerIdle = new CompletableFuture<>();
        int n = Math.min(waiters.size(), 128);
        RedisAsyncCommands<byte[], byte[]> r = reader.async();
        r.clientId().whenComplete((id, e) -> {
            if (id != null) readerId = id;
        });
        r.xreadgroup(Consumer.from(bGroup, bConsumer), XReadArgs.Builder.block(blockMs).count(n),
                        XReadArgs.StreamOffset.lastConsumed(kStream))
                .whenComplete(this::onRead);
    }

    private void onRead(List<StreamMessage<byte[], byte[]>> msgs, Throwable err) {
        List<RedisDelivery<T>> got = new ArrayList<>();
        if (msgs != null) {
            for (StreamMessage<byte[], byte[]> m : msgs) {
                Map<byte[], byte[]> body = m.getBody();
                byte[] p = null, a = null, j = null;
                if (body != null) {
                    for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
                        String k = string(e.getKey());
                        switch (k) {
                            case "p" -> p = e.getValue();
                            case "a" -> a = e.getValue();
                            case "j" -> j = e.getValue();
                            default -> { }
                        }
                    }
                }
                RedisDelivery<T> d = delivery(m.getId(), j == null ? m.getId() : string(j), p, 1,
                        a == null ? 0 : Integer.parseInt(string(a)));
                if (d != null) got.add(d);
            }
        }
        CompletableFuture<Void> idle;
        boolean retryLater = false;
        synchronized (lock) {
            reading = false;
            idle = readerIdle;
            for (RedisDelivery<T> d : got) offer(d, false);
            if (err != null && !shut) retryLater = true;
            else kickReader();
        }
        idle.complete(null);
        if (retryLater) {
            LOG.log(System.Logger.Level.DEBUG, "blocking read of queue " + name + " failed; reading again soon", err);
            client.getResources().eventExecutorGroup().schedule(() -> {
                synchronized (lock) {
                    kickReader();
                }
            }, 200, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A delivery from what Redis returned, or null if the job cannot be handed out (over the
     * delivery limit, or its payload cannot be decoded): then it is dead-lettered.
     */
    private RedisDelivery<T> delivery(String entryId, String jobId, byte[] payload, int pelCount, int attempts) {
        RedisDelivery<T> d;
        if (payload == null) {
            d = new RedisDelivery<>(this, entryId, jobId, null, pelCount, attempts);
            deadLetterQuietly(d, "the stream entry has no payload field");
            return null;
        }
        T item;
        try {
            item = codec.decode(payload);
            if (item == null) throw new NullPointerException("codec " + codec + " decoded null");
        } catch (RuntimeException e) {
            d = new RedisDelivery<>(this, entryId, jobId, null, pelCount, attempts);
            deadLetterQuietly(d, "cannot decode the job: " + e);
            return null;
        }
        d = new RedisDelivery<>(this, entryId, jobId, item, pelCount, attempts);
        if (d.deliveryCount() > maxDeliveries) {
            deadLetterQuietly(d, "delivered " + (d.deliveryCount() - 1) + " times (maxDeliveries " + maxDeliveries + ")");
            return null;
        }
        return d;
    }

    private void deadLetterQuietly(RedisDelivery<T> d, String reason) {
        deadLetterRaw(d, reason).whenComplete((v, e) -> {
            if (e != null) LOG.log(System.Logger.Level.WARNING, "could not dead-letter job " + d.id() + " of queue " + name, e);
        });
    }

    private void unblockReader() {
        long id = readerId;
        RedisAsyncCommands<byte[], byte[]> c = cmd;
        if (id < 0 || c == null) return;
        try {
            c.clientUnblock(id, UnblockType.TIMEOUT).whenComplete((v, e) -> { });
        } catch (RuntimeException e) {
            // the connection is closed: there is no read to end
        }
    }

    /** The periodic step: moves due retries back to the stream and claims expired leases, while someone waits. */
    private void tick() {
        int n;
        String cursor;
        synchronized (lock) {
            if (closed || shut) return;
            n = waiters.size();
            if (n == 0 || claiming) return;
            claiming = true;
            cursor = claimCursor;
        }
        try {
            if (++ticks % 100 == 1) { // now and then: forget consumers long gone that hold nothing
                long stale = Math.max(60_000, 10 * visibilityMs);
                script(Script.CLEAN, ScriptOutputType.INTEGER, new byte[][] {kStream}, bGroup, bConsumer,
                        bytes(Long.toString(stale)));
            }
            script(Script.MOVE, ScriptOutputType.INTEGER, new byte[][] {kStream, kDelayed}, bytes("100"));
            script(Script.CLAIM, ScriptOutputType.MULTI, new byte[][] {kStream, kUnfinished, kEvents, kFull, kDead},
                    bGroup, bConsumer, bytes(Long.toString(visibilityMs)), bytes(cursor),
                    bytes(Integer.toString(Math.min(n, 100))), bytes(Integer.toString(maxDeliveries)))
                    .whenComplete((r, e) -> {
                        List<RedisDelivery<T>> got = new ArrayList<>();
                        String next = "0-0";
                        if (r instanceof List<?> l && l.size() == 2) {
                            next = string((byte[]) l.get(0));
                            got = parseClaimed((List<?>) l.get(1));
                        } else if (e != null) {
                            LOG.log(System.Logger.Level.DEBUG, "claim step of queue " + name + " failed", e);
                        }
                        synchronized (lock) {
                            claiming = false;
                            claimCursor = next;
                            for (RedisDelivery<T> d : got) offer(d, false);
                        }
                    });
        } catch (RuntimeException e) {
            synchronized (lock) {
                claiming = false;
            }
        }
    }

    /** Deliveries from the {@code {id, job, payload, count, attempts}} lists the CLAIM and RECOVER scripts return. */
    private List<RedisDelivery<T>> parseClaimed(List<?> entries) {
        List<RedisDelivery<T>> got = new ArrayList<>();
        for (Object o : entries) {
            List<?> f = (List<?>) o;
            RedisDelivery<T> d = delivery(string((byte[]) f.get(0)), string((byte[]) f.get(1)),
                    (byte[]) f.get(2), ((Long) f.get(3)).intValue(), ((Long) f.get(4)).intValue());
            if (d != null) got.add(d);
        }
        return got;
    }

    // ------------------------------------------------------------------ settling (RedisDelivery calls these)

    Task<Void> ack(RedisDelivery<T> d) {
        return hop("Delivery.ack", fenced("ack", d, script(Script.ACK, ScriptOutputType.INTEGER,
                new byte[][] {kStream, kUnfinished, kEvents, kFull}, fence(d))));
    }

    Task<Void> retry(RedisDelivery<T> d, Duration backoff) {
        return hop("Delivery.retry", fenced("retry", d, script(Script.RETRY, ScriptOutputType.INTEGER,
                new byte[][] {kStream, kDelayed}, fence(d, bytes(Long.toString(backoff.toMillis())),
                        bytes(Integer.toString(d.deliveryCount()))))));
    }

    Task<Void> deadLetter(RedisDelivery<T> d, String reason) {
        return hop("Delivery.deadLetter", deadLetterRaw(d, reason));
    }

    private CompletableFuture<Void> deadLetterRaw(RedisDelivery<T> d, String reason) {
        return fenced("deadLetter", d, script(Script.DEAD, ScriptOutputType.INTEGER,
                new byte[][] {kStream, kUnfinished, kEvents, kFull, kDead},
                fence(d, bytes(reason), bytes(Integer.toString(d.deliveryCount())))));
    }

    Task<Void> extend(RedisDelivery<T> d, Duration lease) {
        long idle = Math.max(0, visibilityMs - lease.toMillis());
        return hop("Delivery.extend", fenced("extend", d, script(Script.EXTEND, ScriptOutputType.INTEGER,
                new byte[][] {kStream}, fence(d, bytes(Long.toString(idle))))));
    }

    Task<Void> release(RedisDelivery<T> d) {
        return hop("Delivery.release", releaseRaw(d));
    }

    private CompletableFuture<Void> releaseRaw(RedisDelivery<T> d) {
        return fenced("release", d, script(Script.RELEASE, ScriptOutputType.INTEGER,
                new byte[][] {kStream}, fence(d, bytes(Integer.toString(d.deliveryCount() - 1)))));
    }

    private byte[][] fence(RedisDelivery<T> d, byte[]... more) {
        byte[][] args = new byte[4 + more.length][];
        args[0] = bGroup;
        args[1] = bytes(d.entryId);
        args[2] = bConsumer;
        args[3] = bytes(Integer.toString(d.pelCount));
        System.arraycopy(more, 0, args, 4, more.length);
        return args;
    }

    private CompletableFuture<Void> fenced(String what, RedisDelivery<T> d, CompletableFuture<Object> reply) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        reply.whenComplete((r, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else if (Long.valueOf(1).equals(r)) {
                out.complete(null);
            } else {
                leasesLost.incrementAndGet();
                out.completeExceptionally(new LeaseLostException(what + " of job " + d.id() + " refused: consumer "
                        + consumer + " no longer holds delivery " + d.deliveryCount() + " of it (its lease expired and it was"
                        + " claimed, or it was already settled)"));
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ work

    /**
     * Runs a pool of up to {@code concurrency} handlers, each taking jobs with {@link #get()},
     * with the default backoff; see {@link #work(WorkerOptions, JobHandler)}.
     *
     * @param concurrency how many jobs at once; at least 1
     * @param handler the work, given the job
     * @return the pool's task
     * @throws NullPointerException if {@code handler} is null
     * @throws IllegalArgumentException if {@code concurrency < 1}
     * @throws IllegalStateException if the queue is not open
     */
    public Task<Void> work(int concurrency, Function<? super T, ? extends CompletionStage<?>> handler) {
        Objects.requireNonNull(handler, "handler");
        return work(WorkerOptions.concurrency(concurrency), d -> handler.apply(d.item()));
    }

    /**
     * Runs a pool of up to {@code options.concurrency()} handlers, one {@link Task} for the whole
     * pool. Each handler slot takes a job with {@link #get()}, calls {@code handler} on the pool's
     * loop, renews the lease every {@code leaseRenewal} while the handler runs, and settles the
     * job when the handler's stage completes: success → ack; failure → retry after
     * {@code options.backoff(deliveryCount)}, or dead-letter (with the failure as the reason) once
     * the delivery count has reached {@code maxDeliveries}. A settling refused with
     * {@link LeaseLostException} (the lease expired and the job went elsewhere: it may run twice)
     * is logged and counted in {@link QueueStats#leasesLost()}; other settling failures are
     * logged, and the job is reclaimed after its lease.
     *
     * <p>The task completes with {@code null} after {@link #shutdown()}, once the running handlers
     * have finished and settled. Cancelling it cancels the running handlers (their stages get
     * {@code cancel(true)}), releases their jobs for immediate redelivery elsewhere (the release
     * commands are sent at once; the task does not wait for their replies) and stops reading.
     *
     * @param options the concurrency and the backoff
     * @param handler the work, given the delivery
     * @return the pool's task
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the queue is not open
     */
    public Task<Void> work(WorkerOptions options, JobHandler<T> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        return Async.task("RedisQueue.work", () -> {
            List<Task<Void>> slots = new ArrayList<>();
            for (int i = 0; i < options.concurrency(); i++) {
                slots.add(Async.repeatWhile(() -> workStep(options, handler)));
            }
            return Async.gather(slots).thenApply(x -> (Void) null);
        });
    }

    private CompletionStage<Boolean> workStep(WorkerOptions options, JobHandler<T> handler) {
        synchronized (lock) {
            if (shut) return CompletableFuture.completedFuture(false);
        }
        return get().handle((d, e) -> d).thenCompose(d -> {
            if (d == null) return CompletableFuture.completedFuture(!isShut());
            return runOne((RedisDelivery<T>) d, options, handler).thenApply(x -> !isShut());
        });
    }

    private boolean isShut() {
        synchronized (lock) {
            return shut;
        }
    }

    private CompletionStage<Void> runOne(RedisDelivery<T> d, WorkerOptions options, JobHandler<T> handler) {
        Task<Object> h = Async.task("RedisQueue.work handler", () -> {
            @SuppressWarnings("unchecked")
            CompletionStage<Object> s = (CompletionStage<Object>) handler.handle(d);
            if (s == null) throw new NullPointerException("handler returned null for job " + d.id());
            return s;
        });
        Task<Void> renewal = leaseRenewal.isZero() ? null : Async.repeatWhile(() ->
                Async.sleep(leaseRenewal).thenCompose(x -> d.extend(Duration.ofMillis(visibilityMs)))
                        .handle((v, e) -> {
                            if (e != null) LOG.log(System.Logger.Level.DEBUG, "lease renewal of job " + d.id() + " stopped", e);
                            return e == null;
                        }));
        return h.handle((v, e) -> e).thenCompose(e -> {
            if (renewal != null) renewal.cancel();
            Throwable cause = unwrap(e);
            CompletionStage<Void> settle;
            String what;
            if (cause == null) {
                what = "ack";
                settle = d.ack();
            } else if (cause instanceof CancellationException) {
                // the pool was cancelled: give the job back at once, without waiting for the reply
                releaseRaw(d).whenComplete((x, re) -> {
                    if (re != null) LOG.log(System.Logger.Level.DEBUG, "release of job " + d.id() + " failed", re);
                });
                return CompletableFuture.completedFuture(null);
            } else if (d.deliveryCount() >= maxDeliveries) {
                what = "deadLetter";
                settle = d.deadLetter(String.valueOf(cause));
            } else {
                what = "retry";
                Duration backoff;
                try {
                    backoff = options.backoff(d.deliveryCount());
                } catch (RuntimeException be) {
                    LOG.log(System.Logger.Level.WARNING, "backoff policy failed; retrying job " + d.id() + " at once", be);
                    backoff = Duration.ZERO;
                }
                settle = d.retry(backoff);
            }
            return settle.handle((x, se) -> {
                if (se != null) {
                    Throwable c = unwrap(se);
                    LOG.log(c instanceof LeaseLostException ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                            what + " of job " + d.id() + " failed: " + c);
                }
                return null;
            });
        });
    }

    // ------------------------------------------------------------------ stats, dead letters, repair

    /**
     * Reads the queue's counters from Redis in one step (one script).
     *
     * <p>The task completes with the snapshot; it fails with Lettuce's exception if Redis cannot
     * be reached. Cancelling it stops the waiting only.
     *
     * @return a task completing with the stats
     * @throws IllegalStateException if the queue is not open
     */
    public Task<QueueStats> stats() {
        requireOpen();
        return hop("RedisQueue.stats", script(Script.STATS, ScriptOutputType.MULTI,
                new byte[][] {kStream, kUnfinished, kDead, kDelayed}, bGroup).thenApply(r -> {
            List<?> l = (List<?>) r;
            long len = (Long) l.get(0), pending = (Long) l.get(1);
            Map<String, Duration> cs = new LinkedHashMap<>();
            List<?> c = (List<?>) l.get(5);
            for (int i = 0; i + 1 < c.size(); i += 2) {
                cs.put(string((byte[]) c.get(i)), Duration.ofMillis((Long) c.get(i + 1)));
            }
            return new QueueStats(len - pending, pending, (Long) l.get(2), (Long) l.get(4), (Long) l.get(3),
                    cs, leasesLost.get());
        }));
    }

    /**
     * The jobs in the dead-letter stream ({@code {name}:dead}), oldest first, read in pages of 100
     * when the stream is consumed; the stream ends at the last dead letter there was when the last
     * page was read. Reading does not remove them ({@link #requeueDeadLetters()} does).
     *
     * <p>The stream fails with Lettuce's exception if Redis cannot be reached, or with the codec's
     * exception if a job cannot be decoded. Cancelling its consumer stops the reading.
     *
     * @return the dead letters, as a stream
     * @throws IllegalStateException if the queue is not open
     */
    public AsyncStream<DeadLetter<T>> deadLetters() {
        requireOpen();
        return AsyncStream.generate(out -> {
            AtomicReference<String> from = new AtomicReference<>("-");
            return Async.repeatWhile(() -> hop("RedisQueue.deadLetters",
                    fresh(cmd.xrange(kDead, Range.create(from.get(), "+"), Limit.create(0, 100))))
                    .thenCompose(page -> {
                        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
                        for (StreamMessage<byte[], byte[]> m : page) {
                            Map<String, byte[]> f = new java.util.HashMap<>();
                            m.getBody().forEach((k, v) -> f.put(string(k), v));
                            byte[] j = f.get("j");
                            byte[] n = f.get("deliveries");
                            byte[] c = f.get("consumer");
                            byte[] reason = f.get("reason");
                            DeadLetter<T> dl = new DeadLetter<>(j == null ? m.getId() : string(j), codec.decode(f.get("p")),
                                    reason == null ? "" : string(reason), n == null ? 0 : Integer.parseInt(string(n)),
                                    c == null ? "" : string(c));
                            chain = chain.thenCompose(x -> out.emit(dl));
                            from.set(nextId(m.getId()));
                        }
                        return chain.thenApply(x -> page.size() == 100);
                    }));
        });
    }

    private static String nextId(String id) {
        int dash = id.indexOf('-');
        return id.substring(0, dash + 1) + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    /**
     * Moves up to 1000 dead letters back into the queue, each as a new job with a fresh delivery
     * count (its job id kept) and one more unfinished job for {@link #join()}.
     *
     * <p>The task completes with how many were moved; it fails with Lettuce's exception if Redis
     * cannot be reached. Cancelling it stops the waiting only.
     *
     * @return a task completing with the number of jobs requeued
     * @throws IllegalStateException if the queue is not open
     */
    public Task<Long> requeueDeadLetters() {
        requireOpen();
        return hop("RedisQueue.requeueDeadLetters", script(Script.REQUEUE, ScriptOutputType.INTEGER,
                new byte[][] {kStream, kUnfinished, kDead}, bytes("1000")).thenApply(r -> (Long) r));
    }

    /**
     * Recomputes the {@link #join()} counter from what Redis holds: every job in the stream (ready
     * or pending) or delayed is unfinished. For use after Redis lost writes (a crash without
     * {@code appendfsync always}), when {@code join} would otherwise wait forever or end early.
     *
     * <p>The task completes with {@code null}; it fails with Lettuce's exception if Redis cannot be
     * reached. Cancelling it stops the waiting only.
     *
     * @return a task completing when the counter is repaired
     * @throws IllegalStateException if the queue is not open
     */
    public Task<Void> reconcile() {
        requireOpen();
        return hop("RedisQueue.reconcile", script(Script.RECONCILE, ScriptOutputType.INTEGER,
                new byte[][] {kStream, kUnfinished, kDelayed, kEvents}).thenApply(r -> (Void) null));
    }

    // ------------------------------------------------------------------ accessors

    /**
     * The queue's name.
     *
     * @return the name given to the builder
     */
    public String name() {
        return name;
    }

    /**
     * This queue object's consumer name in the group.
     *
     * @return the consumer name
     */
    public String consumerName() {
        return consumer;
    }

    /**
     * The bound given to the builder.
     *
     * @return the maxsize; 0 = unbounded
     */
    public long maxsize() {
        return maxsize;
    }

    /**
     * The version of the Redis server, as {@code INFO server} reported it at {@link #open()}.
     *
     * @return the version, or {@code "?"} before open
     */
    public String serverVersion() {
        return serverVersion;
    }

    /**
     * Describes the queue: {@code RedisQueue[jobs, consumer=host-12-ab, open, waiting gets=2, held=0]}.
     */
    @Override
    public String toString() {
        synchronized (lock) {
            String state = closed ? "closed" : shut ? "shut down" : cmd == null ? "not open" : "open";
            return "RedisQueue[" + name + ", consumer=" + consumer + ", " + state + ", waiting gets=" + waiters.size()
                    + ", held=" + handBack.size() + "]";
        }
    }

    // ------------------------------------------------------------------ plumbing

    private void requireOpen() {
        synchronized (lock) {
            if (closed) throw new IllegalStateException("queue " + name + " is closed");
        }
        if (cmd == null) throw new IllegalStateException("queue " + name + " is not open: call open() first (and wait for it)");
    }

    /** A task on the calling loop that completes as {@code stage} does: continuations never run on a Netty thread. */
    private static <X> Task<X> hop(String what, CompletionStage<X> stage) {
        return Async.task(what, () -> stage);
    }

    /** A future of our own that completes as Lettuce's does: cancelling it never cancels the command. */
    private static <X> CompletableFuture<X> fresh(CompletionStage<X> lettuce) {
        CompletableFuture<X> out = new CompletableFuture<>();
        lettuce.whenComplete((v, e) -> {
            if (e != null) out.completeExceptionally(unwrap(e));
            else out.complete(v);
        });
        return out;
    }

    private CompletableFuture<Object> script(Script s, ScriptOutputType type, byte[][] keys, byte[]... args) {
        RedisAsyncCommands<byte[], byte[]> c = cmd;
        CompletableFuture<Object> out = new CompletableFuture<>();
        c.<Object>evalsha(s.sha, type, keys, args).whenComplete((v, e) -> {
            if (e == null) {
                out.complete(v);
            } else if (String.valueOf(unwrap(e).getMessage()).startsWith("NOSCRIPT")) {
                c.<Object>eval(s.text, type, keys, args).whenComplete((v2, e2) -> {
                    if (e2 == null) out.complete(v2);
                    else out.completeExceptionally(unwrap(e2));
                });
            } else {
                out.completeExceptionally(unwrap(e));
            }
        });
        return out;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String parseVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) return line.substring("redis_version:".length()).trim();
        }
        return "0.0.0";
    }

    static int compareVersion(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parseIntLoose(x[i]) : 0, q = i < y.length ? parseIntLoose(y[i]) : 0;
            if (p != q) return Integer.compare(p, q);
        }
        return 0;
    }

    private static int parseIntLoose(String s) {
        int n = 0;
        for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)); i++) n = n * 10 + (s.charAt(i) - '0');
        return n;
    }

    /** The scripts, with their SHA-1 for EVALSHA (EVAL when the server lost its script cache). */
    private enum Script {
        PUT(Scripts.PUT), ACK(Scripts.ACK), EXTEND(Scripts.EXTEND), RETRY(Scripts.RETRY), RELEASE(Scripts.RELEASE),
        DEAD(Scripts.DEAD), CLAIM(Scripts.CLAIM), MOVE(Scripts.MOVE), STATS(Scripts.STATS),
        RECONCILE(Scripts.RECONCILE), REQUEUE(Scripts.REQUEUE), RECOVER(Scripts.RECOVER), CLEAN(Scripts.CLEAN);

        final String text;
        final String sha;

        Script(String text) {
            this.text = text;
            try {
                this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes(text)));
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
    }
}
