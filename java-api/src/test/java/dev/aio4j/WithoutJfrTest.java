package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * aio4j runs where the {@code jdk.jfr} and {@code java.management} modules are absent (a jlinked
 * runtime): a forked JVM with {@code --limit-modules java.base} runs tasks, timeouts, debug mode
 * ({@code -Daio4j.debug=true}: the watchdog reports a slow step) and dumps, and never loads a JFR
 * or JMX class.
 */
class WithoutJfrTest {

    /** The forked program: prints what it saw, one fact per line. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            System.out.println("jfr=" + ModuleLayer.boot().findModule("jdk.jfr").isPresent());
            System.out.println("management=" + ModuleLayer.boot().findModule("java.management").isPresent());
            // -Daio4j.debug=true (given to this JVM) puts Loop.run's loop in debug mode: a slow step is reported
            Loop.run(() -> {
                long end = System.nanoTime() + 150_000_000L; // a step of at least 150 ms, over the 50 ms threshold
                while (System.nanoTime() < end) Thread.onSpinWait();
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            });
            String result = Loop.run(LoopOptions.defaults().debug(DebugOptions.on().creationSites(true).watchdog(true)), () -> {
                Task<Void> failing = Async.task(() -> {
                    throw new IllegalStateException("expected");
                });
                Task<Void> timedOut = Async.waitFor(Async.sleep(Duration.ofDays(1)), Duration.ofMillis(1));
                Task<String> onThread = Async.toThread(() -> "thread");
                return Async.gatherSettled(List.of(failing, timedOut)).thenCompose(x -> onThread)
                        .thenApply(s -> s + "," + Async.dumpTasks().tasks().stream().anyMatch(i -> i.name().equals("main")));
            });
            System.out.println("result=" + result);
            try (Loop loop = Loop.create("no-jfr")) {
                System.out.println("loopDump=" + loop.dumpTasks().toString().startsWith("Task dump of Loop[no-jfr"));
            }
        }
    }

    @Test
    void aio4jRunsWithoutJdkJfrAndJavaManagement() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("aio4j-no-jfr", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "--limit-modules", "java.base",
                    "-Daio4j.debug=true", "-Daio4j.debug.slowStepMillis=50",
                    "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"), Main.class.getName());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("jfr=false"), out);
            assertTrue(out.contains("management=false"), out);
            assertTrue(out.contains("result=thread,true"), out);
            assertTrue(out.contains("loopDump=true"), out);
            // the watchdog reports while the step runs; on a starved machine the loop thread may report it first, when it ends
            assertTrue(out.contains("Loop 'main' step has been running for ") || out.contains("Loop 'main' step took "),
                    "-Daio4j.debug=true reported the slow step: " + out);
            String loaded = Files.readString(log);
            assertFalse(loaded.contains("dev.aio4j.engine.jfr."), "the JFR events were loaded");
            assertFalse(loaded.contains(" jdk.jfr."), "a JFR class was loaded");
            assertFalse(loaded.contains("dev.aio4j.LoopMBeans"), "the MBeans were loaded");
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
