package dev.aio4j.redis;

import java.nio.charset.StandardCharsets;

/**
 * How a {@link RedisQueue} turns jobs into the bytes stored in Redis and back. Implementations
 * must be thread-safe and must not block; {@link #decode} must accept whatever {@link #encode}
 * produced in any process sharing the queue.
 *
 * @param <T> the type of the jobs
 * @since 0.1.0
 */
public interface JobCodec<T> {
    /**
     * Encodes a job.
     *
     * @param item the job; never null
     * @return its bytes; not null
     */
    byte[] encode(T item);

    /**
     * Decodes a job.
     *
     * @param bytes what {@link #encode} produced
     * @return the job; not null
     */
    T decode(byte[] bytes);

    /**
     * The codec of strings as UTF-8 bytes.
     *
     * @return the UTF-8 string codec
     */
    static JobCodec<String> utf8() {
        return Utf8Codec.INSTANCE;
    }
}

/** {@link JobCodec#utf8()}. */
enum Utf8Codec implements JobCodec<String> {
    INSTANCE;

    @Override
    public byte[] encode(String item) {
        return item.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "JobCodec.utf8()";
    }
}
