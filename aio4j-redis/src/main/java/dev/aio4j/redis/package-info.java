/**
 * aio4j-redis: {@link dev.aio4j.redis.RedisQueue}, a distributed at-least-once work queue on Redis
 * Streams (through Lettuce) with {@link dev.aio4j.AsyncQueue}'s vocabulary — {@code put},
 * {@code get}, {@code taskDone}, {@code join} — plus leases with fencing, retries, dead letters and
 * a worker pool ({@link dev.aio4j.redis.RedisQueue#work}).
 *
 * @since 0.1.0
 */
package dev.aio4j.redis;
