package dev.aio4j.samples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every sample in order, each under a heading ({@code === hello ===}).
 *
 * <p>Run it with {@code mvn -q -B -Ptour -DskipTests package} from the repository root. To add a
 * sample, add one line to {@link #SECTIONS}.
 */
public final class Tour {
    private Tour() {}

    /** The body of a section: a sample's {@code run} method. */
    @FunctionalInterface
    public interface Sample {
        void run() throws Exception;
    }

    /** One section of the tour: a heading and the sample it runs. */
    public record Section(String heading, Sample sample) {}

    /** The tour, in order. */
    public static final List<Section> SECTIONS = List.of(
            new Section("hello", Hello::run),
            new Section("first example (README)", () -> FirstExample.main(new String[0])),
            new Section("gather", GatherRandomSleeps::run),
            new Section("wait", WaitModes::run),
            new Section("wait_for", WaitForTimeout::run),
            new Section("as_completed", AsCompletedDemo::run),
            new Section("to_thread", ToThreadDemo::run),
            new Section("shield", ShieldDemo::run),
            new Section("threadsafe", ThreadSafeSubmit::run),
            new Section("concurrent http", ConcurrentHttp::run),
            new Section("retry with backoff in plain aio4j (timeout, sleep, repeatWhile)", Retry::run),
            new Section("retry with backoff (Failsafe on a loop), cancelled mid-attempt", RetryWithBackoff::run),
            new Section("lock: three workers, one at a time", dev.aio4j.samples.sync.LockSample::run),
            new Section("event: a response releases the waiters", dev.aio4j.samples.sync.EventSample::run),
            new Section("condition: signal two of four, then all", dev.aio4j.samples.sync.ConditionSample::run),
            new Section("semaphore: two of three at once", dev.aio4j.samples.sync.SemaphoreSample::run),
            new Section("barrier: wait until all three arrive", dev.aio4j.samples.sync.BarrierSample::run),
            new Section("queue: three workers, twenty jobs", dev.aio4j.samples.sync.QueueWorkerPool::run),
            new Section("queue: producer/consumer with join", dev.aio4j.samples.sync.ProducerConsumer::run),
            new Section("kotlin suspend functions called from java", dev.aio4j.samples.kotlin.SuspendFromJava::run),
            new Section("a kotlin coroutine awaiting java tasks", dev.aio4j.samples.kotlin.KotlinAwaitsJava::run),
            new Section("kotlin and java sharing an AsyncQueue", dev.aio4j.samples.kotlin.KotlinQueueInterop::run),
            new Section("async generator: yield and async for", AsyncGeneratorDemo::run),
            new Section("buffered pipeline: 3 stages, ~30 units unbuffered, ~12 buffered", BufferedPipeline::run),
            new Section("stream worker pool: buffer, 4 workers, one failure cancels the rest", dev.aio4j.samples.streams.WorkerPool::run),
            new Section("stream from a callback API (push)", dev.aio4j.samples.streams.CallbackStream::run),
            new Section("stream of HTTP pages, fetched as needed", dev.aio4j.samples.streams.HttpPagination::run),
            new Section("a kotlin flow consumed from java, and back", dev.aio4j.samples.streams.FlowFromJava::run),
            new Section("redis: the seed's master/worker on a RedisQueue", dev.aio4j.samples.redis.RedisMasterWorker::run),
            new Section("redis: two worker processes, one killed halfway, no job lost", dev.aio4j.samples.redis.RedisKilledWorker::run),
            new Section("seeing inside: a hung program diagnosed with a task dump", dev.aio4j.samples.inside.HungProgram::run),
            new Section("seeing inside: a request id in the MDC on every line of its request", dev.aio4j.samples.inside.RequestIdInMdc::run)
    );

    public static void main(String[] args) throws Exception {
        List<String> failed = run(SECTIONS, System.out);
        if (!failed.isEmpty()) {
            System.err.println("tour: failed sections: " + failed);
            System.exit(1);
        }
    }

    /**
     * Runs {@code sections} in order under their headings. A section that throws is reported
     * (with its stack trace) and the tour goes on.
     *
     * @return the headings of the sections that failed
     */
    static List<String> run(List<Section> sections, PrintStream out) {
        List<String> failed = new ArrayList<>();
        long tourStart = System.nanoTime();
        for (Section section : sections) {
            out.println("=== " + section.heading() + " ===");
            try {
                section.sample().run();
            } catch (Exception e) {
                failed.add(section.heading());
                out.println("!!! " + section.heading() + " failed:");
                e.printStackTrace(out);
            }
            out.println();
        }
        out.println("tour: " + sections.size() + " sections in " + (System.nanoTime() - tourStart) / 1_000_000 + " ms");
        return failed;
    }
}
