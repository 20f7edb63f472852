package dev.aio4j;

import java.util.function.Consumer;

/**
 * {@code onTermination(hook)}: passes items on and calls the hook once per run, when the upstream
 * ended ({@link Termination.Completed}), failed ({@link Termination.Failed}) or was cancelled by
 * the downstream before its end ({@link Termination.Cancelled}). A run that never pulled this stage
 * does not call it.
 */
final class TerminationCursor<T> extends PullingCursor<T, T> {
    private static final Termination COMPLETED = new Termination.Completed();
    private static final Termination CANCELLED = new Termination.Cancelled();

    private final Consumer<? super Termination> hook;
    private boolean started;
    private boolean called;

    TerminationCursor(StreamRun run, Cursor<T> upstream, Consumer<? super Termination> hook) {
        super(run, upstream);
        this.hook = hook;
    }

    @Override
    Object before() throws Throwable {
        started = true;
        return super.before();
    }

    @Override
    Object onItem(T item) {
        return item;
    }

    @Override
    Object onEnd() {
        finished = true;
        if (!called) {
            called = true;
            hook.accept(COMPLETED); // a throw fails the stream instead of ending it
        }
        return null;
    }

    @Override
    Object onError(Throwable error) throws Throwable {
        finished = true;
        if (!called) {
            called = true;
            try {
                hook.accept(new Termination.Failed(error));
            } catch (Throwable t) {
                if (t != error) error.addSuppressed(t);
            }
        }
        throw error;
    }

    @Override
    public void cancel() {
        boolean call = started && !called;
        called = true;
        super.cancel();
        if (!call) return;
        try {
            hook.accept(CANCELLED);
        } catch (Throwable t) {
            run.loop.reportError("exception in an AsyncStream onTermination hook (the run was cancelled)", t);
        }
    }
}
