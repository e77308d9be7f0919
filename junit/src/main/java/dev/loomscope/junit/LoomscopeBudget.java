package dev.loomscope.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Virtual-thread scheduling budget of a test: what the Loomscope agent records while the test method runs must stay
 * within these limits, or the test fails with a message naming the application code that caused it. On a class, it
 * applies to each test method; on a method, it replaces the class's budget. Needs the agent on the test JVM (surefire
 * {@code argLine} {@code -javaagent:loomscope-agent.jar}); see docs/junit.md.
 * <p>
 * Only the test method is measured: {@code @BeforeAll} and {@code @BeforeEach} methods run before it, so a warm-up
 * there (class loading, connection pools, the JIT) is left out. A percentile limit is judged only on enough samples
 * ({@link #minSamples}).
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

    /**
     * Samples a percentile limit needs in the test to be judged; with fewer, it is not judged and the test says so (a
     * JUnit report entry and a line on standard error) but does not fail. -1: the rule of {@code report check}, at
     * least 10 samples beyond the percentile, so p99 needs 1,000 and p99.9 10,000 (docs/report.md, "Too few
     * samples"). Below that, a p99 is one of the test's few slowest samples, and one GC pause decides it.
     */
    long minSamples() default -1;
}
