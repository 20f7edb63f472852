package dev.aio4j.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the tasks inside a guarded section (W3's semaphore) and how many passed through it; a
 * section that ever holds more than its limit is a failure of the semaphore under test. Every peer
 * uses it the same way, so its cost is the same for all.
 */
public final class Section {
    private final int limit;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicLong passed = new AtomicLong();

    public Section(int limit) {
        this.limit = limit;
    }

    /** A task entered the section. */
    public void enter() {
        int k = inside.incrementAndGet();
        if (k > limit) throw new AssertionError(k + " tasks inside a section limited to " + limit);
    }

    /** A task left the section. */
    public void leave() {
        inside.decrementAndGet();
        passed.incrementAndGet();
    }

    /** How many tasks went through. */
    public long passed() {
        return passed.get();
    }
}
