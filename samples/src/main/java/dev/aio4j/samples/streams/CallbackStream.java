package dev.aio4j.samples.streams;

import dev.aio4j.AsyncStream;
import dev.aio4j.EmitResult;
import dev.aio4j.Loop;
import dev.aio4j.Overflow;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A stream fed by a callback API with {@code AsyncStream.push}: a "sensor" calls its listeners
 * from its own thread every millisecond; the stream registers a listener that {@code tryEmit}s
 * into a bounded buffer and, as every {@code push} source must, says how to unregister it
 * ({@code onCancel}). The consumer takes five readings; the listener is then removed, so the sensor
 * keeps nothing of the stream.
 */
public final class CallbackStream {
    private CallbackStream() {}

    /** A callback API: listeners called on the sensor's own thread. */
    static final class Sensor implements AutoCloseable {
        final List<IntConsumer> listeners = new CopyOnWriteArrayList<>();
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sensor");
            t.setDaemon(true);
            return t;
        });
        private final AtomicInteger reading = new AtomicInteger();

        Sensor() {
            thread.scheduleAtFixedRate(() -> {
                int r = reading.incrementAndGet();
                for (IntConsumer l : listeners) l.accept(r);
            }, 1, 1, TimeUnit.MILLISECONDS);
        }

        void addListener(IntConsumer l) {
            listeners.add(l);
        }

        void removeListener(IntConsumer l) {
            listeners.remove(l);
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    /** The sensor's readings as a stream: a buffer of 16, the oldest dropped when the consumer lags. */
    static AsyncStream<Integer> readings(Sensor sensor, AtomicInteger full) {
        return AsyncStream.push(16, Overflow.DROP_OLDEST, sink -> {
            IntConsumer listener = r -> {
                if (sink.tryEmit(r) == EmitResult.FULL) full.incrementAndGet();
            };
            sensor.addListener(listener);
            sink.onCancel(() -> sensor.removeListener(listener));
        });
    }

    public static void run() throws Exception {
        try (Sensor sensor = new Sensor()) {
            AtomicInteger full = new AtomicInteger();
            List<Integer> five = Loop.run(() -> readings(sensor, full).take(5).toList());
            System.out.println("five readings: " + (five.size() == 5 ? "5 in increasing order" : five)
                    + (isIncreasing(five) ? "" : " (not increasing!)"));
            System.out.println("listeners left on the sensor after the stream ended: " + sensor.listeners.size());
        }
    }

    static boolean isIncreasing(List<Integer> xs) {
        for (int i = 1; i < xs.size(); i++) if (xs.get(i) <= xs.get(i - 1)) return false;
        return true;
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
