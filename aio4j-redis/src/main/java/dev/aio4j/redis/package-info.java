/**
 * aio4j-redis: {@link dev.aio4j.redis.RedisQueue}, a distributed at-least-once work queue on Redis
 * Streams (through Lettuce) with {@link dev.aio4j.AsyncQueue}'s vocabulary — {@code put},
 * {@code get}, {@code taskDone}, {@code join} — plus leases with fencing, retries, dead letters and
 * a worker pool ({@link dev.aio4j.redis.RedisQueue#work}).
 *
 * <p>Under a {@code TestLoop} ({@code aio4j-test}), run with auto-advance off: the queue's lease
 * renewal timers are the loop's and so virtual, but the server measures a lease's idle time in real
 * time (see the class Javadoc of {@link dev.aio4j.redis.RedisQueue}, "Testing with a TestLoop").
 *
 * @since 0.1.0
 */
package dev.aio4j.redis;
