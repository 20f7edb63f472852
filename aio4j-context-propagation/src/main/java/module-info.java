/**
 * aio4j-context-propagation: thread-bound context that follows aio4j tasks.
 * {@link dev.aio4j.context.MdcContextPropagator} carries the SLF4J MDC;
 * {@link dev.aio4j.context.MicrometerContextPropagator} carries whatever Micrometer's
 * {@code ContextRegistry} knows (tracing, security, the MDC through its accessor). Both
 * dependencies are optional: the one you use must be on your path.
 */
@SuppressWarnings("requires-automatic")
module dev.aio4j.context {
    requires transitive dev.aio4j;
    requires static org.slf4j;
    requires static context.propagation;

    exports dev.aio4j.context;
}
