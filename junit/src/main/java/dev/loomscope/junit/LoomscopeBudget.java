package dev.loomscope.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Virtual-thread scheduling budget of a test: what the Loomscope agent records while the test runs must stay within
 * these limits, or the test fails with a message naming the worst site. On a class, it applies to each test method;
 * on a method, it replaces the class's budget. Needs the agent on the test JVM (surefire {@code argLine}
 * {@code -javaagent:loomscope-agent.jar}); see docs/junit.md.
 * <p>
 * Durations are written like the agent's options: {@code 500us}, {@code 5ms}, {@code 1s}. An empty string or -1 means
 * "no limit". The recording covers the whole JVM: run budgeted tests sequentially.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(LoomscopeExtension.class)
public @interface LoomscopeBudget {
    /** Most allowed p99 of wake-to-run latency (woken → running on a carrier). */
    String wakeToRunP99() default "";

    /** Most allowed p99.9 of wake-to-run latency. */
    String wakeToRunP999() default "";

    /** Most allowed p99 of start delay (started → first mount). */
    String startDelayP99() default "";

    /** Most allowed p99 of a run slice (how long one virtual thread keeps its carrier). */
    String runSliceP99() default "";

    /** Most allowed blocks while pinned (the carrier itself blocked). */
    long pinnedBlocks() default -1;
}
