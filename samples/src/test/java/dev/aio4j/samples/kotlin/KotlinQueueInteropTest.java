package dev.aio4j.samples.kotlin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class KotlinQueueInteropTest {
    @Test
    void aKotlinCoroutineAndJavaTasksShareAQueue() throws Exception {
        assertEquals(List.of(
                "Kotlin took [a-1, a-2, a-3, b-1, b-2, b-3]",
                "Java took [k-1, k-2, k-3]",
                "queue empty: true"), KotlinSamplesTest.output(KotlinQueueInterop::run));
    }
}
