/**
 * aio4j-test: deterministic tests of aio4j code. {@link dev.aio4j.test.TestLoop} is a loop whose
 * clock is virtual (hours of timeouts run in microseconds, deadlocks and leaked tasks are reported
 * at once with a dump), and {@link dev.aio4j.test.TestLoopExtension} gives each JUnit 5 test one.
 * Meant for test scope.
 */
module dev.aio4j.test {
    requires transitive dev.aio4j;
    requires transitive org.junit.jupiter.api;
    requires dev.aio4j.engine;

    exports dev.aio4j.test;
}
