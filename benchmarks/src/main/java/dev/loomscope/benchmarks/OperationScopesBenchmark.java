package dev.loomscope.benchmarks;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.OperationScopes;
import dev.loomscope.bootstrap.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a scope costs with the agent: {@link OperationScopes#enter} and {@link OperationScopes#exit}, which the woven
 * {@code Loomscope.enter} and {@code exit} call, with the recorder and the scopes installed as the agent installs
 * them. JMH's threads are platform threads, which record nothing: these figures are the name lookup, the table update
 * and, for a trace id, the mailbox; a virtual thread adds one ring record per enter and per exit (the cost of a
 * recorder event, {@link RecorderBenchmark}). Not counted: the scope object the API allocates with the agent.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class OperationScopesBenchmark {
    private String route = "POST /payments";
    private String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** The recorder (16 rings of 32768 records) and the scopes (200 names, 65536 threads), as the agent has them. */
    @State(Scope.Benchmark)
    public static class Installed {
        @Setup(Level.Trial)
        public void install() {
            byte[] blockKindByState = new byte[256];
            blockKindByState[RecorderBenchmark.PARKING] = BlockKind.PARK;
            Recorder.install(RecorderBenchmark.RINGS, RecorderBenchmark.RING_CAPACITY, blockKindByState,
                    RecorderBenchmark.STARTED, null, null);
            OperationScopes.install(200, 1 << 16, 4096);
        }
    }

    @Benchmark
    public long operation(Installed installed) {
        long token = OperationScopes.enter(route, null, OperationScopes.OPERATION);
        OperationScopes.exit(token);
        return token;
    }

    @Benchmark
    public long operationWithTraceId(Installed installed) {
        long token = OperationScopes.enter(route, traceId, OperationScopes.OPERATION);
        OperationScopes.exit(token);
        return token;
    }

    /** Nested: an inner operation inside an outer one, as a request calling a named step. */
    @Benchmark
    public long nested(Installed installed) {
        long outer = OperationScopes.enter(route, traceId, OperationScopes.OPERATION);
        long inner = OperationScopes.enter("db", null, OperationScopes.OPERATION);
        OperationScopes.exit(inner);
        OperationScopes.exit(outer);
        return outer ^ inner;
    }

    @Benchmark
    public long critical(Installed installed) {
        long token = OperationScopes.enter(null, null, OperationScopes.CRITICAL);
        OperationScopes.exit(token);
        return token;
    }
}
