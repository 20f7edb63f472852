package dev.aio4j;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ordered steps for asserting an exact interleaving: each point of interest calls
 * {@code expect(n)} with the step it must be; the test ends with {@code finish(n)}. A step that
 * comes out of order fails at once where it happens, and again at {@code finish} (so a failure
 * thrown on a loop thread, where a test cannot see it, is not lost).
 */
final class Steps {
    private final AtomicInteger last = new AtomicInteger();
    private final AtomicReference<AssertionError> firstError = new AtomicReference<>();

    /** Records step {@code n}; it must be the next one. */
    void expect(int n) {
        int actual = last.incrementAndGet();
        if (actual != n) fail(new AssertionError("expected step " + n + " here, but this is step " + actual));
    }

    /** A point that must never be reached. */
    void unreached(String what) {
        fail(new AssertionError("must not happen: " + what + " (after step " + last.get() + ")"));
    }

    /** Records the last step, {@code n}, and rethrows the first out-of-order step, if any. */
    void finish(int n) {
        expect(n);
        check();
    }

    /** Rethrows the first out-of-order step, if any. */
    void check() {
        AssertionError e = firstError.get();
        if (e != null) throw e;
    }

    private void fail(AssertionError e) {
        firstError.compareAndSet(null, e);
        throw e;
    }
}
