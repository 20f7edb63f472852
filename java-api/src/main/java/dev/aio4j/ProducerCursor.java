package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.sync.StreamChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A stage fed by a producer task through a channel: {@code generate} (the body is the user's
 * generator) and {@code transform} (the body pulls the upstream and calls the step). The producer
 * is a child task of the run, started at the first {@link #next()}; its body's stage completing
 * ends the channel (normally or with its failure). {@link #cancel()} cancels the channel (the
 * pending emit fails, held items are discarded) and the producer; the run's task group waits
 * until the producer has finished its cleanup.
 */
final class ProducerCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final StreamChannel channel;
    private final AsyncGenerator<T> body;
    private final String name;
    private final Cursor<?> upstream; // transform's, cancelled with this stage; else null
    private boolean started;
    private volatile boolean cancelled;
    private Task<?> task;
    private volatile CompletionStage<?> stage;

    ProducerCursor(StreamRun run, int capacity, StreamChannel.Policy policy, Consumer<Object> discard,
                   AsyncGenerator<T> body, String name, Cursor<?> upstream) {
        this.run = run;
        this.channel = new StreamChannel(run.loop, capacity, policy, discard, name);
        this.body = body;
        this.name = name;
        this.upstream = upstream;
    }

    static StreamChannel.Policy policy(Overflow o) {
        return switch (o) {
            case SUSPEND -> StreamChannel.Policy.SUSPEND;
            case DROP_OLDEST -> StreamChannel.Policy.DROP_OLDEST;
            case DROP_LATEST -> StreamChannel.Policy.DROP_LATEST;
            case FAIL -> StreamChannel.Policy.FAIL;
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> next() {
        if (!started) start();
        return (CompletableFuture<T>) channel.receive();
    }

    private void start() {
        started = true;
        Emitter<T> out = new ChannelEmitter<>(channel);
        task = run.spawn(name, () -> {
            if (channel.isCancelled()) return StreamRun.done(null);
            CompletionStage<?> s;
            try {
                s = body.run(out);
            } catch (Throwable t) {
                channel.complete(Outcomes.unwrap(t));
                return StreamRun.done(null);
            }
            if (s == null) {
                channel.complete(new NullPointerException(name + ": the generator returned null instead of a CompletionStage"));
                return StreamRun.done(null);
            }
            stage = s;
            s.whenComplete((v, e) -> channel.complete(e == null ? null : Outcomes.unwrap(e)));
            if (cancelled) StreamRun.cancelStage(s);
            return s.handle((v, e) -> null);
        });
        if (task == null) channel.cancel();
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        channel.cancel();
        if (body instanceof TransformLoop<?, ?> t) {
            t.cancel(); // its stage completes once the step in progress has reacted: the task then finishes
            return;
        }
        if (upstream != null) upstream.cancel();
        if (task != null) task.cancel("the stream's consumer is gone");
        StreamRun.cancelStage(stage);
    }

    StreamChannel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return channel.toString();
    }
}
