package dev.aio4j;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What {@link Async#wait(java.util.Collection, ReturnWhen)} returns: the stages that had completed
 * and those still pending when it returned, each set in input order (asyncio's {@code (done, pending)}).
 *
 * @param done the completed stages, in input order, unmodifiable
 * @param pending the stages still pending, in input order, unmodifiable
 * @param <F> the type of the stages
 * @since 0.1.0
 */
public record Done<F extends CompletionStage<?>>(Set<F> done, Set<F> pending) {
    /**
     * Creates the pair; the sets are kept as given.
     *
     * @param done the completed stages, in input order, unmodifiable
     * @param pending the stages still pending, in input order, unmodifiable
     * @throws NullPointerException if either set is null
     */
    public Done {
        java.util.Objects.requireNonNull(done, "done");
        java.util.Objects.requireNonNull(pending, "pending");
    }
}
