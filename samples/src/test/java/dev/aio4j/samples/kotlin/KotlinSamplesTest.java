package dev.aio4j.samples.kotlin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs each Kotlin-meets-Java sample and checks what it prints. */
@Timeout(20)
class KotlinSamplesTest {
    interface Sample {
        void run() throws Exception;
    }

    /** The lines {@code sample} prints to {@code System.out}. */
    static synchronized List<String> output(Sample sample) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            sample.run();
        } finally {
            System.out.flush();
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void javaCallsKotlinSuspendFunctionsUnderGatherTaskGroupsAndWaitFor() throws Exception {
        assertEquals(List.of(
                "gather: [User(id=1, name=Ada), User(id=2, name=Grace), User(id=3, name=Linus)]",
                "orders per user: [2, 4, 6]",
                "waitFor: Task[slow-report] timed out after PT0.02S",
                "  (Kotlin) slowReport was cancelled: its finally block ran"), output(SuspendFromJava::run));
    }

    @Test
    void aKotlinCoroutineAwaitsJavaTasksAndItsCancellationReachesThem() throws Exception {
        assertEquals(List.of(
                "apple costs 3",
                "pear and plum cost [4, 2], 6 together",
                "  (Java) the slow quote task was cancelled",
                "slow quote: no answer within 20 ms",
                "the quote task is cancelled: true"), output(KotlinAwaitsJava::run));
    }
}
