package dev.aio4j;

/** {@link StreamPublisherTckTest} on a single-threaded loop of its own. */
public class StreamPublisherOnALoopTckTest extends StreamPublisherTckTest {
    private static final Loop LOOP = Loop.create("tck");

    @Override
    Loop loop() {
        return LOOP;
    }
}
