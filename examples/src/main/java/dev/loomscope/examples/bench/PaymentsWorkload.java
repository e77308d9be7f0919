package dev.loomscope.examples.bench;

import java.nio.file.Path;

/**
 * The payment service of {@code examples/payments} under open-loop load, as a harness workload: unlike the timed
 * workloads it is two JVMs per run, and what it measures is what a service owner sees (throughput, latency, CPU).
 * <p>
 * <b>The service</b> runs healthy ({@code --healthy}: none of its pathologies) in a child JVM started in the
 * configuration under test; only it carries the agent or JFR.
 * <p>
 * <b>The load generator</b> runs in a JVM of its own, the same in every configuration: in the service's JVM it would
 * be profiled along with the service (its request threads are virtual threads too) and would share its heap and
 * scheduler; in the harness's JVM its pauses would depend on the harness. It sends requests on a fixed timeline and
 * measures each from its intended start (no coordinated omission: a stall of the service counts for every request due
 * during it). It shares the two cores with the service; its CPU is reported so that the reader knows what was left.
 * <p>
 * <b>A run</b>: start the service (it warms itself up with 100 authorisations before it opens its port), drive
 * {@code warmupSeconds} of load at the same rate that is not measured (the JIT compiles the request path, connection
 * pools fill), then {@code seconds} of measured load; the service's CPU time is read from the operating system just
 * before and just after the measured load. Then SIGTERM: the agent writes its exit dump (dropped records), JFR its
 * recording.
 *
 * @param rate          requests per second, open loop; must leave the service below saturation without an agent,
 *                      so that a profiler's cost shows as lost throughput and longer tails rather than disappearing
 *                      into a queue that was growing anyway ({@link #DEFAULT_RATE})
 * @param seconds       measured load per run
 * @param warmupSeconds unmeasured load before it, 0 for none
 * @param serviceJar    {@code examples/payments/target/payment-service.jar}
 * @param clients       0: open loop only. Otherwise each run first measures the service's maximum throughput in a
 *                      closed loop of this many clients for {@code seconds}, then the open loop; and the harness sets
 *                      the open loop's rate to {@link #LOAD_SHARE} of plain's maximum, measured in a calibration run
 *                      before the others ({@link #atShareOf})
 */
record PaymentsWorkload(int rate, int seconds, int warmupSeconds, Path serviceJar, int clients) {
    /** The open loop's rate in closed-loop mode, as a share of plain's maximum throughput. */
    static final double LOAD_SHARE = 0.7;

    /**
     * Requests per second by default: the demo's rate, about a third of the 2-vCPU machine of docs/PERFORMANCE.md
     * without an agent. There the plain service needs 9–14 ms of CPU per request once warm (an authorisation makes
     * eight HTTP calls to the bank stub, and java.net.http's client and the JDK's server on both ends are most of it):
     * at 50/s that is 0.5–0.7 core, and the generator about 0.3 more. At 100/s it was 1.2 cores plus 0.5: close
     * enough to saturation that queueing noise swung the plain p99 between 150 and 300 ms from run to run, and an
     * agent's extra CPU could not show as anything but more of that noise. On a bigger machine a higher rate keeps
     * the same share; the rule is that plain must stay well below saturation.
     */
    static final int DEFAULT_RATE = 50;
    static final int DEFAULT_SECONDS = 20;
    static final int DEFAULT_WARMUP_SECONDS = 10;

    static final String NAME = "Payments";
    static final String SERVICE_MAIN_ARGS = "--healthy";
    static final String LOAD_GENERATOR = "dev.loomscope.examples.payments.LoadGenerator";

    boolean closedLoop() {
        return clients > 0;
    }

    /** This workload with the open-loop rate set to {@link #LOAD_SHARE} of {@code maxThroughput}. */
    PaymentsWorkload atShareOf(double maxThroughput) {
        return new PaymentsWorkload(Math.max(1, (int) Math.round(LOAD_SHARE * maxThroughput)), seconds, warmupSeconds,
                serviceJar, clients);
    }

    String description() {
        if (closedLoop()) {
            return String.format("the payment service of examples/payments (Jetty 12, H2 over HikariCP, bank stub; no"
                            + " pathology) driven from a separate JVM, per run: %d s of unmeasured warm-up load at %d"
                            + " requests/s, %d s of closed loop with %d clients (maximum throughput), then %d s of"
                            + " open-loop load at %d requests/s (%.0f %% of plain's maximum in a calibration run)",
                    warmupSeconds, rate, seconds, clients, seconds, rate, LOAD_SHARE * 100);
        }
        return String.format("the payment service of examples/payments (Jetty 12, H2 over HikariCP, bank stub; no"
                        + " pathology) under open-loop load from a separate JVM: %d requests/s, %d s measured after %d s"
                        + " of unmeasured warm-up load, per run", rate, seconds, warmupSeconds);
    }
}
