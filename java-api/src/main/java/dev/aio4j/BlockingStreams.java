package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** {@link AsyncStream#toBlockingStream()}: a run read through a blocking spliterator. */
final class BlockingStreams {
    private BlockingStreams() {}

    static <T> Stream<T> of(AsyncStream<T> stream) {
        Reader<T> r = new Reader<>(stream);
        return StreamSupport.stream(r, false).onClose(r::close);
    }

    private static final class Reader<T> extends Spliterators.AbstractSpliterator<T> {
        private final AsyncStream<T> stream;
        private AsyncIterator<T> it; // created on the shared loop at the first read
        private boolean ended;

        Reader(AsyncStream<T> stream) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
            this.stream = stream;
        }

        @Override
        public boolean tryAdvance(Consumer<? super T> action) {
            if (ended) return false;
            if (LoopCore.current() != null) {
                throw new IllegalStateException("toBlockingStream() is read on a loop's thread, which it would block; "
                        + "consume the AsyncStream with forEach / iterator() there, or read it on a virtual thread");
            }
            if (it == null) it = stream.iterator(); // outside any loop: a run on the shared loop
            T item;
            try {
                item = Async.await(it.next());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new CancellationException("interrupted while waiting for the next item");
            } catch (Exception e) {
                ended = true;
                throw rethrow(e);
            }
            if (item == null) {
                ended = true;
                return false;
            }
            action.accept(item);
            return true;
        }

        void close() {
            ended = true;
            AsyncIterator<T> i = it;
            if (i == null || i.isClosed()) return;
            try {
                Async.await(i.close());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // close() never fails
            }
        }

        private static RuntimeException rethrow(Exception e) {
            if (e instanceof RuntimeException r) return r;
            return new CompletionException(e);
        }
    }
}
