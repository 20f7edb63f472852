package dev.aio4j.samples.kotlin

import kotlinx.coroutines.delay

/** A user of the sample repository. */
data class User(val id: Int, val name: String)

/**
 * A Kotlin data access class, written the Kotlin way with `suspend fun`s. Java calls it through
 * `Async.fromSuspend(c -> repo.findUser(1, c))` (see [SuspendFromJava]); each call becomes an
 * aio4j task, on the Java caller's loop.
 */
class UserRepository {
    private val names = mapOf(1 to "Ada", 2 to "Grace", 3 to "Linus")

    /** Looks a user up; suspends for a while, as a database call would. */
    suspend fun findUser(id: Int): User {
        delay(5L * id)
        return User(id, names[id] ?: throw NoSuchElementException("no user $id"))
    }

    /** Answers from memory: returns at once, without suspending. */
    suspend fun cachedUser(id: Int): User = User(id, names.getValue(id))

    /** Counts a user's orders. */
    suspend fun countOrders(user: User): Int {
        delay(3)
        return user.id * 2
    }

    /** A report that takes far too long; says so when it is cancelled. */
    suspend fun slowReport(): String {
        try {
            delay(60_000)
            return "report"
        } finally {
            println("  (Kotlin) slowReport was cancelled: its finally block ran")
        }
    }
}
