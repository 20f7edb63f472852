package dev.aio4j.samples.streams;

import dev.aio4j.Async;
import dev.aio4j.AsyncStream;
import dev.aio4j.Loop;
import dev.aio4j.kotlin.AsyncStreams;
import dev.aio4j.samples.kotlin.Readings;
import java.util.List;

/**
 * A Kotlin {@code Flow} consumed from Java and back, with the {@code aio4j-kotlin} bridge: an
 * endless Kotlin flow of readings becomes an {@link AsyncStream} ({@code AsyncStreams.asAsyncStream}),
 * Java filters and takes five (taking them cancels the flow's coroutine), then the Java stream goes
 * back to Kotlin as a flow ({@code AsyncStreams.asFlow}) that a Kotlin suspend function collects.
 */
public final class FlowFromJava {
    private FlowFromJava() {}

    public static void run() throws Exception {
        List<Double> warm = Loop.run(() -> AsyncStreams.asAsyncStream(Readings.temperatures())
                .filter(t -> t >= 21.0)
                .take(5)
                .toList());
        System.out.println("from Kotlin to Java: " + warm);

        AsyncStream<String> labels = AsyncStream.fromIterable(warm).map(t -> t + " °C");
        List<String> back = Loop.run(() -> Async.fromSuspend(c -> Readings.collect(AsyncStreams.asFlow(labels), c)));
        System.out.println("and back to Kotlin: " + back);
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}
