package dev.aio4j;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK's publisher rules for {@link AsyncStream#toPublisher(Loop)}, on the
 * shared (multi-threaded) loop. TestNG runs it, on the JUnit Platform through the TestNG engine.
 * Timeouts: 3 s for a signal that must come (a loaded machine may be slow), 200 ms for one that
 * must not.
 */
public class StreamPublisherTckTest extends FlowPublisherVerification<Long> {
    public StreamPublisherTckTest() {
        super(new TestEnvironment(3_000, 200));
    }

    /** 0, 1, ..., n-1, made as they are read ({@code Long.MAX_VALUE} is as good as endless). */
    static Iterable<Long> longs(long n) {
        return () -> new Iterator<>() {
            private long i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Long next() {
                if (i >= n) throw new NoSuchElementException();
                return i++;
            }
        };
    }

    Loop loop() {
        return Loop.shared();
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return AsyncStream.fromIterable(longs(elements)).toPublisher(loop());
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return AsyncStream.<Long>failed(new RuntimeException("a stream that fails")).toPublisher(loop());
    }
}
