package dev.loomscope.examples.bench;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one run of the payment service measured ({@link PaymentsWorkload}).
 *
 * @param maxThroughput       successful responses per second in the closed loop, when the workload has one
 * @param throughputPerSecond successful responses per second over the measured load, from the start of its timeline
 *                            to the last response (the load generator's {@code throughputPerSecond})
 * @param ok                  successful responses
 * @param failed              errors and timeouts, plus requests not sent because too many were in flight
 * @param p50Nanos            median latency from each request's intended start (the generator's own histogram)
 * @param p99Nanos            99th percentile of the same
 * @param serviceCpuNanos     CPU time (user + system) of the service's JVM during the measured load
 * @param generatorCpuNanos   CPU time of the load generator's JVM of the measured load, start-up included
 * @param eventsRecorded      as in {@link RunResult}, over the service's whole life (start-up and warm-up included)
 * @param dropped             as in {@link RunResult}
 * @param otherCores          as in {@link RunResult}
 * @param agentMessages       as in {@link RunResult}
 * @param scrapes             as in {@link RunResult}
 */
record PaymentsResult(Configuration configuration, OptionalDouble maxThroughput, double throughputPerSecond, long ok, long failed, long p50Nanos,
                      long p99Nanos, long serviceCpuNanos, long generatorCpuNanos, OptionalLong eventsRecorded,
                      OptionalLong dropped, OptionalDouble otherCores, List<String> agentMessages,
                      java.util.Optional<Scraper.ScrapeStats> scrapes) {
}
