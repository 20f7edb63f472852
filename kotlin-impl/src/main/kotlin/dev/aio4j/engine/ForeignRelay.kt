package dev.aio4j.engine

import java.util.function.BiConsumer

/**
 * The callback a listener that may stop listening leaves on a foreign stage (one that is not a
 * task, so its callbacks cannot be removed): it passes the outcome on to [listener] unless the
 * listener withdrew first. Withdrawing, and the outcome itself, clear the reference, so a
 * long-lived foreign future keeps only this small dead object per withdrawn listener, never the
 * listener, its task or its result.
 */
public open class ForeignRelay internal constructor(listener: StageListener, private val tag: Int) : BiConsumer<Any?, Throwable?> {
    @Volatile
    private var listener: StageListener? = listener

    override fun accept(v: Any?, e: Throwable?) {
        deliverDirect(tag, if (e == null) v else null, e?.let { Outcomes.unwrap(it) })
    }

    /** Passes an outcome already unwrapped on to the listener, once. */
    internal fun deliverDirect(tag: Int, value: Any?, error: Throwable?) {
        val l = listener ?: return
        listener = null
        l.onStageDone(tag, value, error)
    }

    /** The listener withdrew: it hears nothing more (unless the outcome is already on its way to it). */
    internal open fun clear() {
        listener = null
    }

    override fun toString(): String = if (listener == null) "ForeignRelay[cleared]" else "ForeignRelay[$tag]"
}
