package dev.loomscope.benchmarks;

import dev.loomscope.api.Loomscope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What {@code loomscope-api} costs an application running without the agent: a scope opened and closed, as a request
 * handler does ({@code try (var op = Loomscope.operation(route, traceId)) { ... }}). Each benchmark returns the scope
 * so that nothing is optimised away; {@link #baseline} returns a field, the cost of the harness alone. Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} must be 0 bytes per operation (docs/api.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ApiWithoutAgentBenchmark {
    /** Fields, not constants, so that the calls cannot be folded. */
    private String route = "POST /payments";
    private String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private Object nothing = new Object();

    @Benchmark
    public Object baseline() {
        return nothing;
    }

    @Benchmark
    public Loomscope.Scope operation() {
        try (var op = Loomscope.operation(route)) {
            return op;
        }
    }

    @Benchmark
    public Loomscope.Scope operationWithTraceId() {
        try (var op = Loomscope.operation(route, traceId)) {
            return op;
        }
    }

    @Benchmark
    public Loomscope.Scope critical() {
        try (var c = Loomscope.critical()) {
            return c;
        }
    }
}
