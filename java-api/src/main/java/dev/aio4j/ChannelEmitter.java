package dev.aio4j;

import dev.aio4j.engine.sync.StreamChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The {@link Emitter} of a generator or a transform step: sends into the run's channel, one emit at a time. */
final class ChannelEmitter<T> implements Emitter<T> {
    private final StreamChannel channel;
    private volatile CompletableFuture<Void> last;

    ChannelEmitter(StreamChannel channel) {
        this.channel = channel;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<Void> emit(T item) {
        Objects.requireNonNull(item, "item");
        CompletableFuture<Void> l = last;
        if (l != null && !l.isDone()) {
            throw new IllegalStateException("emit while the previous emit is not accepted; chain the next emit on the returned stage");
        }
        CompletableFuture<Void> f = (CompletableFuture<Void>) (CompletableFuture<?>) channel.send(item, false);
        last = f;
        return f;
    }

    @Override
    public boolean isCancelled() {
        return channel.isCancelled();
    }

    @Override
    public String toString() {
        return "Emitter[" + channel + "]";
    }
}
