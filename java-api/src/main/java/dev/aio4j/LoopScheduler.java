package dev.aio4j;

import dev.aio4j.engine.CallbackHandle;
import dev.aio4j.engine.EventLoopCore;
import dev.aio4j.engine.LoopCore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Loop#asScheduledExecutor()}: a loop seen as a {@link ScheduledExecutorService} it does not own. */
final class LoopScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Loop loop;
    private final LoopCore core;

    LoopScheduler(Loop loop, LoopCore core) {
        this.loop = loop;
        this.core = core;
    }

    private void checkOpen() {
        if (core.isClosed()) throw new RejectedExecutionException("loop is closed: " + loop);
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        checkOpen();
        try {
            core.execute(command);
        } catch (IllegalStateException e) { // closed meanwhile
            throw new RejectedExecutionException("loop is closed: " + loop, e);
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        return start(new Scheduled<>(Executors.callable(command, null), 0L), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "callable");
        return start(new Scheduled<>(callable, 0L), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        if (period <= 0) throw new IllegalArgumentException("period <= 0: " + period);
        return start(new Scheduled<>(Executors.callable(command, null), unit.toNanos(period)), initialDelay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(unit, "unit");
        if (delay <= 0) throw new IllegalArgumentException("delay <= 0: " + delay);
        return start(new Scheduled<>(Executors.callable(command, null), -unit.toNanos(delay)), initialDelay, unit);
    }

    private <V> Scheduled<V> start(Scheduled<V> s, long delay, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        checkOpen();
        s.arm(Math.max(0L, unit.toNanos(delay)));
        return s;
    }

    /** Refused: the view does not own the loop. @throws UnsupportedOperationException always */
    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("shutdown: this executor is a view of " + loop
                + " and does not own it; close the loop with Loop.close()");
    }

    /** Refused: the view does not own the loop. @throws UnsupportedOperationException always */
    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("shutdownNow: this executor is a view of " + loop
                + " and does not own it; close the loop with Loop.close()");
    }

    @Override
    public boolean isShutdown() {
        return core.isClosed();
    }

    @Override
    public boolean isTerminated() {
        return core instanceof EventLoopCore e ? e.isStopped() : core.isClosed();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        if (core instanceof EventLoopCore e) return e.awaitTermination(unit.toMillis(timeout));
        return new CountDownLatch(1).await(timeout, unit); // the shared loop never terminates
    }

    @Override
    public String toString() {
        return "ScheduledExecutorService[" + loop + "]";
    }

    /** One scheduled command: its timer is a loop timer; periodic ones re-arm after each run. */
    private final class Scheduled<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private final long period; // 0 one-shot, > 0 fixed rate, < 0 fixed delay (nanoseconds)
        private volatile long deadline;
        private volatile CallbackHandle handle;

        Scheduled(Callable<V> callable, long period) {
            super(callable);
            this.period = period;
        }

        void arm(long delayNanos) {
            deadline = core.time() + delayNanos;
            CallbackHandle h = new CallbackHandle(core, this);
            handle = h;
            if (delayNanos == 0L) core.post(h);
            else core.schedule(h, delayNanos);
            if (isDone()) h.cancel(); // cancelled while arming
        }

        @Override
        public void run() {
            if (period == 0L) {
                super.run();
            } else if (runAndReset() && !core.isClosed()) {
                long next = period > 0 ? Math.max(0L, deadline + period - core.time()) : -period;
                arm(next);
            }
        }

        /** Withdraws the timer; a command already running on the loop is not interrupted. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(false);
            CallbackHandle h = handle;
            if (h != null) h.cancel();
            return cancelled;
        }

        @Override
        public boolean isPeriodic() {
            return period != 0L;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - core.time(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return other == this ? 0 : Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
