package dev.aio4j.engine

import java.util.concurrent.CompletionStage

/**
 * Runs a task's own code: [call], with [core] as its loop's current task while it runs (so
 * `Async.currentTask()` answers there). Every task that runs user code as its body goes through
 * here ([BodyCore] and what extends it, [TaskGroupCore]).
 *
 * Returns the stage [call] returned. If [call] throws, or returns null, returns null after passing
 * [failed] the failure (with the current task already restored): what it threw, unwrapped, or a
 * `NullPointerException` that names the task, [what] returned null, and where [body] was written.
 */
internal inline fun runTaskCode(
    core: TaskCore,
    body: Any,
    what: String,
    call: () -> CompletionStage<*>?,
    failed: (Throwable) -> Unit,
): CompletionStage<*>? {
    val loop = core.loop
    val prev = loop.currentTask()
    loop.setCurrentTask(core)
    val stage: CompletionStage<*>?
    try {
        stage = call()
    } catch (t: Throwable) {
        loop.setCurrentTask(prev)
        failed(Outcomes.unwrap(t))
        return null
    }
    loop.setCurrentTask(prev)
    if (stage == null) failed(TaskCode.returnedNull(core, body, what))
    return stage
}

/** Messages about task code; built only when something went wrong. */
internal object TaskCode {
    fun returnedNull(core: TaskCore, body: Any, what: String): NullPointerException =
        NullPointerException("$what returned null instead of a CompletionStage")
}
