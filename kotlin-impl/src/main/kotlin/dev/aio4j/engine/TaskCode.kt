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

/** Descriptions for error messages; built only when something went wrong, never on the hot path. */
internal object TaskCode {
    /** [what] of [core]'s task returned null: names the task and where its [body] was written. */
    fun returnedNull(core: TaskCore, body: Any, what: String): NullPointerException =
        NullPointerException("${taskName(core)}: $what returned null instead of a CompletionStage (the body was written in ${origin(body)})")

    /** What a message calls [stage]: `Task[name]` for a task, else its class (`CompletableFuture`). */
    fun describeStage(stage: Any): String {
        val core = TaskCore.coreOf(stage)
        return if (core != null) taskName(core) else simpleName(stage.javaClass)
    }

    /** `Task[name]`: the label of the public task (the name the user gave, or `Task-<n>`). */
    fun taskName(core: TaskCore): String = core.host?.labelInternal() ?: "a task"

    /**
     * Where [body] was written: the class that declares a lambda (its hidden class is named
     * `Outer$$Lambda...`), or the body's own class. Costs nothing until a message needs it: no
     * stack is captured when a task is created.
     */
    fun origin(body: Any): String {
        val n = body.javaClass.name
        val i = n.indexOf("\$\$Lambda")
        return if (i >= 0) n.substring(0, i) else n
    }

    private fun simpleName(c: Class<*>): String = c.simpleName.ifEmpty { c.name }
}
