package dev.aio4j.samples.inside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "seeing inside" samples do what their Javadoc promises. */
class SeeingInsideTest {
    static String capture(dev.aio4j.samples.Tour.Sample sample) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            sample.run();
        } finally {
            System.setOut(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }

    @Test
    void theDumpOfTheHungProgramShowsEachTransferWaitingForTheLockTheOtherHolds() throws Exception {
        // patience enough for the two transfers to lock each other out even on a starved machine
        String out = capture(() -> HungProgram.run(java.time.Duration.ofSeconds(3)));
        assertTrue(out.contains("batch is stuck after 3000 ms"), out);
        assertTrue(out.contains("Task dump of Loop[bank"), out);
        assertTrue(out.contains("Task[batch] PENDING"), out);
        assertTrue(out.contains("Task[alice->bob] PENDING"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("Task[alice->bob] PENDING") && l.contains("awaiting AsyncLock[locked by Task[bob->alice]")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("Task[bob->alice] PENDING") && l.contains("awaiting AsyncLock[locked by Task[alice->bob]")), out);
        assertTrue(out.contains("created at " + HungProgram.class.getName()), out);
    }

    @Test
    void everyLineOfARequestCarriesItsOwnRequestId() throws Exception {
        String out = capture(RequestIdInMdc::run);
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("\\[(.*?)\\] user (\\d): (.*) \\((.*)\\)");
        int lines = 0;
        java.util.Set<String> threads = new java.util.HashSet<>();
        for (String l : out.lines().toList()) {
            java.util.regex.Matcher m = line.matcher(l);
            if (!m.matches()) continue;
            lines++;
            assertEquals("req-" + m.group(2), m.group(1), l);
            threads.add(m.group(4));
        }
        assertEquals(3 * 6, lines, out);
        assertTrue(threads.size() >= 2, "the requests hopped threads: " + threads);
        assertTrue(out.contains("[null] main: all requests answered"), out);
    }
}
