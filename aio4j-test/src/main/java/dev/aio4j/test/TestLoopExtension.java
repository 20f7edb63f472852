package dev.aio4j.test;

import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Gives each JUnit 5 test that declares a {@link TestLoop} parameter its own test loop (the same
 * one to its {@code @BeforeEach} and {@code @AfterEach} methods), with the options of the nearest
 * {@link VirtualTime}, and closes it after the test: leaked tasks and failures nobody retrieved
 * fail the test. A test, {@code @BeforeEach} or {@code @AfterEach} method that fails while its loop
 * is open gets the loop's dump attached (as a suppressed exception), unless the failure carries one
 * already (a deadlock, a leak, a step budget or wall-clock timeout that ran out). Nothing is shared
 * between tests, so parallel execution is safe.
 *
 * <pre>{@code
 * @ExtendWith(TestLoopExtension.class)
 * class RetryTest {
 *     @Test
 *     void backsOff(TestLoop loop) throws Exception {
 *         assertEquals("ok", loop.run(() -> retrying(call, 3, Duration.ofSeconds(10))));
 *         assertEquals(Duration.ofSeconds(30), loop.now());
 *     }
 * }
 * }</pre>
 *
 * @since 0.2.0
 */
public final class TestLoopExtension
        implements ParameterResolver, AfterEachCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestLoopExtension.class);
    private static final String KEY = "loop";

    /** Creates the extension (JUnit does, through {@code @ExtendWith}). */
    public TestLoopExtension() {}

    /**
     * Whether the parameter is a {@link TestLoop}.
     *
     * @return true for a {@code TestLoop} parameter
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestLoop.class;
    }

    /**
     * The test's loop, created on first use with the options of the nearest {@link VirtualTime}.
     *
     * @return the test's {@code TestLoop}
     * @throws ParameterResolutionException outside a test method's context (a {@code @BeforeAll})
     * @throws ExtensionConfigurationException if a {@code @VirtualTime} timeout is not an ISO-8601 duration
     * @throws IllegalArgumentException if a {@code @VirtualTime} timeout or {@code maxStepsPerInstant} is not positive
     * @throws IllegalStateException if the test's thread runs a loop (see {@link TestLoop#create(TestLoopOptions)})
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("a TestLoop belongs to one test: declare it on a test method, "
                    + "@BeforeEach or @AfterEach, not on " + parameter.getDeclaringExecutable());
        }
        ExtensionContext.Store store = context.getStore(NS);
        TestLoop existing = store.get(KEY, TestLoop.class);
        if (existing != null) return existing;
        TestLoop loop = TestLoop.create(optionsFor(parameter, context));
        store.put(KEY, loop);
        return loop;
    }

    /**
     * Closes the test's loop, if it has one: leaks and unretrieved failures fail the test.
     *
     * @throws LeakedTasksError if tasks were still pending
     * @throws AssertionError if failures were never retrieved, or closing ran out of the wall-clock
     *     timeout or the step budget (with a dump); see {@link TestLoop#close()}
     * @throws IllegalStateException if the loop was resolved on another thread than the one that runs {@code afterEach}
     */
    @Override
    public void afterEach(ExtensionContext context) {
        TestLoop loop = context.getStore(NS).remove(KEY, TestLoop.class);
        if (loop != null) loop.close();
    }

    /**
     * Attaches the loop's dump to a failure of the test (unless the failure carries one), then rethrows it.
     *
     * @throws Throwable {@code failure}, always
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withDump(context, failure);
    }

    /**
     * Attaches the loop's dump to a failure of a {@code @BeforeEach} method (unless the failure
     * carries one), then rethrows it.
     *
     * @throws Throwable {@code failure}, always
     */
    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withDump(context, failure);
    }

    /**
     * Attaches the loop's dump to a failure of an {@code @AfterEach} method (unless the failure
     * carries one), then rethrows it.
     *
     * @throws Throwable {@code failure}, always
     */
    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withDump(context, failure);
    }

    private static Throwable withDump(ExtensionContext context, Throwable failure) {
        TestLoop loop = context.getStore(NS).get(KEY, TestLoop.class);
        if (loop != null && !carriesDump(failure)) {
            try {
                failure.addSuppressed(new TestLoopDump(loop.dump()));
            } catch (RuntimeException e) {
                failure.addSuppressed(e); // another thread, or a closed loop: say why there is no dump
            }
        }
        return failure;
    }

    /** Whether {@code failure}, or one of its causes, is an error of the test loop with a dump of its own. */
    private static boolean carriesDump(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TestLoopDeadlockError || t instanceof LeakedTasksError || t instanceof StuckLoopError
                    || t instanceof TestLoopDump) {
                return true;
            }
        }
        return false;
    }

    private static TestLoopOptions optionsFor(ParameterContext parameter, ExtensionContext context) {
        Optional<VirtualTime> a = parameter.findAnnotation(VirtualTime.class);
        if (a.isEmpty()) a = context.getTestMethod().flatMap(m -> find(m));
        Optional<Class<?>> c = context.getTestClass();
        while (a.isEmpty() && c.isPresent()) {
            a = find(c.get());
            c = Optional.ofNullable(c.get().getEnclosingClass());
        }
        if (a.isEmpty()) return TestLoopOptions.defaults();
        VirtualTime v = a.get();
        Duration timeout;
        try {
            timeout = Duration.parse(v.timeout());
        } catch (DateTimeParseException e) {
            throw new ExtensionConfigurationException("@VirtualTime(timeout = \"" + v.timeout()
                    + "\") is not an ISO-8601 duration such as \"PT30S\"", e);
        }
        return new TestLoopOptions(v.autoAdvance(), timeout, v.maxStepsPerInstant(), v.strictTimers());
    }

    private static Optional<VirtualTime> find(AnnotatedElement e) {
        return Optional.ofNullable(e.getAnnotation(VirtualTime.class));
    }

    /** The dump of a test's loop, attached to the test's failure. */
    static final class TestLoopDump extends AssertionError {
        private static final long serialVersionUID = 1L;

        TestLoopDump(String dump) {
            super("TestLoop dump when the test failed:\n" + dump, null);
            setStackTrace(new StackTraceElement[0]);
        }
    }
}
