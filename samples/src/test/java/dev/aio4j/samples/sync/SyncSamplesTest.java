package dev.aio4j.samples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs each sync sample and checks what it prints. */
@Timeout(30)
class SyncSamplesTest {

    interface Sample {
        void run() throws Exception;
    }

    private static List<String> output(Sample sample) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            sample.run();
        } finally {
            System.setOut(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        original.print(text);
        return Arrays.asList(text.split("\\R"));
    }

    @Test
    void lockSerialisesTheWorkersInOrder() throws Exception {
        List<String> out = output(LockSample::run);
        assertEquals(List.of(
                "worker 1 has the lock", "worker 1 releases the lock",
                "worker 2 has the lock", "worker 2 releases the lock",
                "worker 3 has the lock", "worker 3 releases the lock",
                "all workers done; lock is AsyncLock[unlocked, waiters=0]"), out);
    }

    @Test
    void eventReleasesEveryWaiterWhenTheResponseArrives() throws Exception {
        List<String> out = output(EventSample::run);
        int set = out.indexOf("response arrived, setting the event");
        assertTrue(set >= 3, out.toString());
        for (int i = 1; i <= 3; i++) {
            assertTrue(out.indexOf("waiter " + i + " waits for the response") < set, out.toString());
            assertTrue(out.indexOf("waiter " + i + " got: 200 OK") > set, out.toString());
        }
    }

    @Test
    void conditionWakesTwoThenTheRest() throws Exception {
        List<String> out = output(ConditionSample::run);
        assertEquals(List.of(
                "waiter 1 waits", "waiter 2 waits", "waiter 3 waits", "waiter 4 waits",
                "signal(2)",
                "waiter 1 woke up holding the lock", "waiter 2 woke up holding the lock",
                "signalAll()",
                "waiter 3 woke up holding the lock", "waiter 4 woke up holding the lock"), out);
    }

    @Test
    void semaphoreLetsTwoOfThreeRunAtOnce() throws Exception {
        List<String> out = output(SemaphoreSample::run);
        assertEquals(6, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("A starts at ") && out.get(0).endsWith("(permits left: 1)"), out.toString());
        assertTrue(out.get(1).startsWith("B starts at ") && out.get(1).endsWith("(permits left: 0)"), out.toString());
        int cStarts = indexStartingWith(out, "C starts");
        int firstEnd = indexStartingWith(out, "A ends");
        assertTrue(cStarts > firstEnd, "C must wait for a permit: " + out);
    }

    private static int indexStartingWith(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(prefix)) return i;
        return -1;
    }

    @Test
    void barrierHoldsEveryoneUntilAllArrived() throws Exception {
        List<String> out = output(BarrierSample::run);
        assertEquals(List.of(
                "task-2 is ready after 100 ms, waits at the barrier",
                "task-3 is ready after 200 ms, waits at the barrier",
                "task-1 is ready after 300 ms, waits at the barrier",
                "task-1 passes the barrier (arrived third)",
                "task-2 passes the barrier (arrived first)",
                "task-3 passes the barrier (arrived second)",
                "all passed; AsyncBarrier[filling, waiting=0/3]"), out);
    }

    @Test
    void workerPoolTakesAboutASumOverThree() throws Exception {
        List<String> out = output(QueueWorkerPool::run);
        assertEquals(20, out.stream().filter(l -> l.matches("worker-[123] has slept for \\d+ ms")).count(), out.toString());
        double took = number(out, "3 workers slept in parallel for ([0-9.]+) seconds");
        double sum = number(out, "total expected sleep time: ([0-9.]+) seconds");
        assertTrue(took >= sum / 3 * 0.9, "faster than three workers can be: " + took + " vs " + sum);
        assertTrue(took < sum * 0.8, "the workers did not run in parallel: " + took + " vs " + sum);
    }

    private static double number(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) return Double.parseDouble(m.group(1));
        }
        throw new AssertionError("no line matches " + regex + " in " + lines);
    }

    @Test
    void producerConsumerJoinsOnceEverythingIsConsumed() throws Exception {
        List<String> out = output(ProducerConsumer::run);
        for (int i = 1; i <= 10; i++) {
            assertTrue(out.contains("consumed " + i), out.toString());
            String produced = "produced " + i + " ";
            assertTrue(out.stream().anyMatch(l -> l.startsWith(produced)), out.toString());
        }
        int join = out.indexOf("join() returned: every item was processed, sum = 55");
        assertTrue(join > 0, out.toString());
        assertTrue(out.indexOf("consumed 10") < join, out.toString());
        assertTrue(out.stream().filter(l -> l.startsWith("produced ")).allMatch(l -> {
            Matcher m = Pattern.compile("queue size (\\d+)").matcher(l);
            return m.find() && Integer.parseInt(m.group(1)) <= 3;
        }), "the bounded queue never holds more than 3: " + out);
    }
}
