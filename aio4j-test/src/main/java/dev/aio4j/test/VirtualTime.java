package dev.aio4j.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options of the {@link TestLoop} that {@link TestLoopExtension} gives a test: on the parameter,
 * the test method, or the test class (or an enclosing class), the nearest one wins.
 *
 * @since 0.2.0
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER})
public @interface VirtualTime {
    /**
     * Whether the clock jumps to the next timer by itself ({@link TestLoopOptions#autoAdvance()}).
     *
     * @return true by default
     */
    boolean autoAdvance() default true;

    /**
     * The real time each driving call may take, as an ISO-8601 duration ({@code "PT30S"}); see
     * {@link TestLoopOptions#wallClockTimeout()}. It must be positive: a text that is no ISO-8601
     * duration fails the test with an {@code ExtensionConfigurationException}, a zero or negative
     * one with an {@link IllegalArgumentException}.
     *
     * @return {@code "PT60S"} by default
     */
    String timeout() default "PT60S";

    /**
     * Steps allowed at one instant ({@link TestLoopOptions#maxStepsPerInstant()}); it must be
     * positive (else the test fails with an {@link IllegalArgumentException}).
     *
     * @return 100,000 by default
     */
    int maxStepsPerInstant() default 100_000;

    /**
     * Whether pending {@code callLater} callbacks fail the test at close ({@link TestLoopOptions#strictTimers()}).
     *
     * @return false by default
     */
    boolean strictTimers() default false;
}
