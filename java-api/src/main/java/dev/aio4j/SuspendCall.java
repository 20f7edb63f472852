package dev.aio4j;

import kotlin.coroutines.Continuation;

/**
 * A call of a Kotlin {@code suspend fun}, as Java sees it: the one public aio4j type that names a
 * Kotlin type. Give it to {@link Async#fromSuspend(SuspendCall)} to run the function as a task.
 *
 * <p>The Kotlin compiler turns {@code suspend fun findUser(id: Int): User} into the Java method
 * {@code Object findUser(int id, Continuation<? super User> continuation)}. A {@code SuspendCall}
 * calls that method, passing on the continuation it receives, and returns what the method returns:
 *
 * <pre>{@code
 * Task<User> user = Async.fromSuspend(c -> repo.findUser(42, c));
 * }</pre>
 *
 * <p>Rules, which compiled Kotlin code follows too:
 * <ul>
 *   <li>pass {@code continuation} to exactly one suspend function, and return that function's
 *       result unchanged: either its value (it finished without suspending) or the
 *       {@code COROUTINE_SUSPENDED} marker (it will resume the continuation later). aio4j handles
 *       both; a hand-made {@link Continuation} would not (it breaks when the function returns
 *       without suspending);
 *   <li>do not resume {@code continuation} yourself and do not keep it.
 * </ul>
 *
 * <p>A {@code suspend fun} declared to return {@code Unit} completes the task with
 * {@code kotlin.Unit.INSTANCE}.
 *
 * <p>Kotlin sees this interface as a {@code suspend () -> T}, so Kotlin code passes a suspend
 * lambda: {@code Async.fromSuspend { repo.findUser(42) }}.
 *
 * @param <T> the type of the function's result
 * @since 0.1.0
 */
@FunctionalInterface
public interface SuspendCall<T> {
    /**
     * Calls the suspend function with {@code continuation} and returns its result.
     *
     * @param continuation the continuation of the coroutine aio4j runs the function in
     * @return the function's value, or the {@code COROUTINE_SUSPENDED} marker it returned
     * @throws Exception what the function throws before it suspends (a Kotlin function annotated
     *     {@code @Throws} declares checked exceptions); it fails the task
     */
    Object invoke(Continuation<? super T> continuation) throws Exception;
}
