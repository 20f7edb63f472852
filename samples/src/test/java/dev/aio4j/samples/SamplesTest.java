package dev.aio4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs each sample and checks what it prints, so the samples (and the README's claims) cannot rot. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SamplesTest {

    /** What a run printed, line by line, and how long it took. */
    record Run(List<String> lines, long millis) {
        List<String> startingWith(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
        }

        int indexOf(String line) {
            int i = lines.indexOf(line);
            assertTrue(i >= 0, () -> "missing line \"" + line + "\" in " + lines);
            return i;
        }
    }

    /** Runs {@code sample} with System.out captured (from every thread). */
    static Run capture(Tour.Sample sample) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        long start = System.nanoTime();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            sample.run();
        } finally {
            System.setOut(original);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String text = bytes.toString(StandardCharsets.UTF_8);
        original.print(text); // keep it visible in the test log
        return new Run(text.lines().collect(Collectors.toList()), millis);
    }

    static long number(String line, Pattern pattern) {
        Matcher m = pattern.matcher(line);
        assertTrue(m.find(), () -> "no " + pattern + " in \"" + line + "\"");
        return Long.parseLong(m.group(1));
    }

    /**
     * Loads and warms the classes every sample uses, so the first sample's timing does not pay
     * for a cold JVM (which takes seconds on a loaded 2-core machine).
     */
    @BeforeAll
    static void warmUp() throws Exception {
        Loop.run(() -> Async.gather(Async.toThread(() -> 1), Async.sleep(Duration.ofMillis(1), 2)));
    }

    /** The folder of the samples module (surefire sets "basedir"). */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    }

    @Test
    void readmeFirstExampleIsFirstExampleJava() throws Exception {
        String readme = Files.readString(moduleDir().resolve("../README.md"));
        int open = readme.indexOf("```java\n");
        assertTrue(open >= 0, "README.md has no java block");
        int start = open + "```java\n".length();
        String snippet = readme.substring(start, readme.indexOf("```", start));
        String source = Files.readString(moduleDir().resolve("src/main/java/dev/aio4j/samples/FirstExample.java"));
        assertEquals(source.replaceFirst("package dev\\.aio4j\\.samples;\n\n", ""), snippet,
                "README.md's first java block and FirstExample.java have drifted apart");
    }

    @Test
    void firstExamplePrintsWhatItsCommentSays() throws Exception {
        Run run = capture(() -> FirstExample.main(new String[0]));
        assertEquals(List.of("[A, B, timed out, slow cancelled: true]"), run.lines());
        assertTrue(run.millis() < 4000, "the 5 s task was not cut short: " + run.millis() + " ms");
    }

    @Test
    void helloSleepsASecondBetweenItsTwoLines() throws Exception {
        Run run = capture(Hello::run);
        assertEquals(2, run.lines().size(), run.lines()::toString);
        assertTrue(run.lines().get(0).startsWith("Hello world! "), run.lines()::toString);
        assertTrue(run.lines().get(1).startsWith("Hello again! "), run.lines()::toString);
        assertTrue(run.millis() >= 1000, "a 1 s sleep ended early: " + run.millis() + " ms");
        assertTrue(run.millis() < 5000, "took " + run.millis() + " ms");
    }

    @Test
    void gatherGivesResultsInArgumentOrderWhateverOrderTheyFinishIn() throws Exception {
        Run run = capture(() -> GatherRandomSleeps.run(300, 0, 200, 100));
        // they finish shortest sleep first ...
        List<String> again = run.startingWith("task ").stream().filter(l -> l.contains("Hello again!")).toList();
        assertEquals(List.of(
                "task 1: Hello again! (after 0 ms)",
                "task 3: Hello again! (after 100 ms)",
                "task 2: Hello again! (after 200 ms)",
                "task 0: Hello again! (after 300 ms)"), again);
        // ... and gather lists them in the order they were given
        assertEquals(List.of(
                "result => task 0 slept 300 ms",
                "result => task 1 slept 0 ms",
                "result => task 2 slept 200 ms",
                "result => task 3 slept 100 ms"), run.startingWith("result => "));
    }

    @Test
    void gatherWithRandomSleepsPairsEachResultWithItsTask() throws Exception {
        Run run = capture(GatherRandomSleeps::run);
        List<String> hellos = run.lines().stream().filter(l -> l.contains("Hello world!")).toList();
        List<String> results = run.startingWith("result => ");
        assertEquals(4, hellos.size(), run.lines()::toString);
        assertEquals(4, results.size(), run.lines()::toString);
        Pattern sleeping = Pattern.compile("sleeping (\\d+) ms");
        for (int i = 0; i < 4; i++) {
            long millis = number(hellos.get(i), sleeping);
            assertEquals("result => task " + i + " slept " + millis + " ms", results.get(i));
        }
        long previous = -1;
        Pattern after = Pattern.compile("after (\\d+) ms");
        for (String line : run.lines()) {
            if (!line.contains("Hello again!")) continue;
            long millis = number(line, after);
            assertTrue(millis >= previous, () -> "finished out of sleep order: " + run.lines());
            previous = millis;
        }
    }

    @Test
    void waitReturnsFirstCompletedThenWhatFinishedInTimeThenTheRest() throws Exception {
        Run run = capture(WaitModes::run);
        assertEquals(3, run.lines().size(), run.lines()::toString);
        assertTrue(run.lines().get(0).startsWith("first completed: [job-1"), run.lines()::toString);
        assertTrue(run.lines().get(1).startsWith("within 500 ms: "), run.lines()::toString);
        assertTrue(run.lines().get(2).startsWith("the rest: "), run.lines()::toString);
        assertTrue(run.lines().get(2).endsWith("still pending: 0"), run.lines()::toString);
        // every job is reported done exactly once, in the order they finish (their sleep order)
        List<String> reported = new ArrayList<>();
        Matcher m = Pattern.compile("job-\\d").matcher(String.join("\n", run.lines()));
        while (m.find()) reported.add(m.group());
        assertEquals(List.of("job-1", "job-2", "job-3", "job-4", "job-5", "job-6"), reported);
    }

    @Test
    void waitForTimesOutAndCancelsTheJob() throws Exception {
        Run run = capture(WaitForTimeout::run);
        assertEquals(List.of("before sleep", "timeout!", "my-job cancelled: true"), run.lines());
    }

    @Test
    void retryWithBackoffSucceedsOnTheThirdAttemptAndItsCancellationAbortsTheAttemptInFlight() throws Exception {
        Run run = capture(RetryWithBackoff::run);
        assertEquals(List.of(
                "flaky server: 200 after 3 attempts (attempt 3)",
                "hanging server: an attempt is in flight; cancelling the task",
                "attempt aborted: true, requests in flight: 0, task cancelled: true"), run.lines());
    }

    @Test
    void plainRetrySucceedsOnTheThirdAttemptThenGivesUpOnAHangingCallWithATimeout() throws Exception {
        Run run = capture(Retry::run);
        assertEquals(List.of("attempt 1: 503", "attempt 2: 503", "attempt 3: 200 after 10 ms"), run.startingWith("attempt "));
        List<String> flaky = run.startingWith("flaky call: ");
        assertEquals(1, flaky.size(), run.lines()::toString);
        assertTrue(flaky.get(0).startsWith("flaky call: 200 on attempt 3, after backoffs of 40 + 80 ms (took "), flaky.get(0));
        long took = number(flaky.get(0), Pattern.compile("took (\\d+) ms"));
        assertTrue(took >= 120, "the backoffs ended early: " + took + " ms");
        assertEquals(List.of("hanging call: 3 attempts, failed with TimeoutException (2 earlier failures suppressed)"),
                run.startingWith("hanging call: "));
    }

    @Test
    void asCompletedReadsResultsInCompletionOrder() throws Exception {
        Run run = capture(AsCompletedDemo::run);
        assertEquals(List.of(
                "got quick.dev (100 ms)",
                "got medium.dev (200 ms)",
                "got slow.dev (300 ms)"), run.lines());
    }

    @Test
    void toThreadRunsThreeBlockingJobsSideBySide() throws Exception {
        Run run = capture(ToThreadDemo::run);
        List<String> blocking = run.startingWith("job ").stream().filter(l -> l.contains(" blocks ")).toList();
        assertEquals(3, blocking.size(), run.lines()::toString);
        Set<String> threads = new HashSet<>();
        for (String line : blocking) threads.add(line.substring(line.indexOf(" blocks ")));
        assertEquals(3, threads.size(), () -> "the jobs shared a thread: " + blocking);
        for (int id = 1; id <= 3; id++) {
            String prefix = "job " + id + " done! (back on ";
            assertEquals(1, run.startingWith(prefix).size(), run.lines()::toString);
        }
        assertEquals(List.of("[job 1, job 2, job 3] finished"), run.startingWith("[job"));
        long elapsed = number(run.startingWith("elapsed: ").get(0), Pattern.compile("elapsed: (\\d+) ms"));
        assertTrue(elapsed >= 1000, "a 1 s blocking job ended early: " + elapsed + " ms");
        assertTrue(elapsed < 3000, "three 1 s jobs took " + elapsed + " ms: they did not overlap");
    }

    @Test
    void shieldKeepsTheWorkRunningWhenTheOuterTaskIsCancelled() throws Exception {
        Run run = capture(ShieldDemo::run);
        int unshielded = run.indexOf("request-1 cancelled: true, its save cancelled too: true");
        int shielded = run.indexOf("request-2 cancelled: true, its shielded save still running: true");
        int finished = run.indexOf("shielded save finished: order saved (cancelled: false)");
        assertTrue(unshielded < shielded && shielded < finished, run.lines()::toString);
    }

    @Test
    void tasksAndCallbacksSubmittedFromOtherThreadsRunOnTheLoopThread() throws Exception {
        Run run = capture(ThreadSafeSubmit::run);
        assertEquals(List.of(
                "submitting from " + Thread.currentThread().getName(),
                "task from caller runs on aio4j-loop-worker",
                "join: result for caller",
                "task from other-thread runs on aio4j-loop-worker",
                "runUntilComplete: result for other-thread",
                "callSoon from other-thread runs on aio4j-loop-worker"), run.lines());
    }

    @Test
    void gatheringTheHttpClientsFuturesIsFasterThanSendingOneAfterAnother() throws Exception {
        Run run = capture(ConcurrentHttp::run);
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < ConcurrentHttp.REQUESTS; i++) expected.add("200 hello from /item/" + i);
        }
        assertEquals(expected, run.startingWith("200 "));
        long sequential = number(run.startingWith("sequential: ").get(0), Pattern.compile("in (\\d+) ms"));
        long concurrent = number(run.startingWith("concurrent: ").get(0), Pattern.compile("in (\\d+) ms"));
        long floor = ConcurrentHttp.REQUESTS * ConcurrentHttp.SERVER_DELAY_MILLIS;
        assertTrue(sequential >= floor, "sequential took " + sequential + " ms, less than " + floor);
        assertTrue(concurrent >= ConcurrentHttp.SERVER_DELAY_MILLIS, "concurrent took only " + concurrent + " ms");
        assertTrue(concurrent < sequential * 3 / 5,
                "concurrent (" + concurrent + " ms) not clearly faster than sequential (" + sequential + " ms)");
    }

    @Test
    void tourRunsSectionsInOrderUnderHeadingsAndGoesOnAfterAFailure() throws Exception {
        List<String> ran = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> failed;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            failed = Tour.run(List.of(
                    new Tour.Section("first", () -> ran.add("first")),
                    new Tour.Section("broken", () -> {
                        throw new IllegalStateException("boom");
                    }),
                    new Tour.Section("last", () -> ran.add("last"))), out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("first", "last"), ran);
        assertEquals(List.of("broken"), failed);
        assertTrue(text.indexOf("=== first ===") < text.indexOf("=== broken ==="), text);
        assertTrue(text.indexOf("=== broken ===") < text.indexOf("!!! broken failed:"), text);
        assertTrue(text.contains("IllegalStateException: boom"), text);
        assertTrue(text.indexOf("!!! broken failed:") < text.indexOf("=== last ==="), text);
    }

    @Test
    void tourHeadingsAreUnique() {
        Set<String> headings = new HashSet<>();
        for (Tour.Section s : Tour.SECTIONS) {
            assertTrue(headings.add(s.heading()), "duplicate heading " + s.heading());
        }
        assertFalse(headings.isEmpty());
    }
    @Test
    void asyncGeneratorYieldsOnDemandAndItsFinallyRunsWhenClosedEarly() throws Exception {
        Run run = capture(AsyncGeneratorDemo::run);
        List<String> first = run.lines().subList(0, run.indexOf("ticker: finally (done)") + 1);
        assertEquals(List.of("ticker: yield 0", "got 0", "ticker: yield 1", "got 1", "ticker: yield 2", "got 2",
                "ticker: yield 3", "got 3", "ticker: yield 4", "got 4", "ticker: finally (done)"), first);
        List<String> early = run.lines().subList(first.size(), run.lines().size());
        // take(2) closes the generator as the second item passes: its finally and "early 1" may come in either order
        assertEquals(List.of("ticker: yield 0", "early 0", "ticker: yield 1"), early.subList(0, 3));
        assertEquals(Set.of("early 1", "ticker: finally (closed)"), Set.copyOf(early.subList(3, early.size())));
        assertEquals(5, early.size(), early::toString);
    }

    @Test
    void theBufferedPipelineOverlapsItsStages() throws Exception {
        Run run = capture(() -> BufferedPipeline.run(Duration.ofMillis(50)));
        Pattern units = Pattern.compile("in (\\d+)[.,]\\d units");
        String plain = run.startingWith("unbuffered: ").get(0);
        String buffered = run.startingWith("buffered: ").get(0);
        assertTrue(plain.startsWith("unbuffered: [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]"), plain);
        assertTrue(buffered.startsWith("buffered: [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]"), buffered);
        long u0 = number(plain, units);
        long u1 = number(buffered, units);
        assertTrue(u0 >= 30, "unbuffered takes at least 30 units: " + plain);
        assertTrue(u1 >= 12 && u1 < u0 - 8, "buffered overlaps (~12 units): " + buffered + " vs " + plain);
    }
}
