package dev.loomscope.examples.bench;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one child JVM measured.
 *
 * @param elapsedNanos   the workload's own timing of its timed pass
 * @param processCpuNanos   the JVM's CPU time up to the end of the workload's main; empty if it could not tell
 * @param timedPassCpuNanos the JVM's CPU time during the timed pass alone; empty if it could not tell
 * @param eventsRecorded records the recorder kept over the whole JVM run (warm-up included): Loomscope's
 *                       {@code recorder.events}, or the number of events in the JFR file; empty without a recorder
 * @param dropped        Loomscope's {@code counts.dropped}, records lost because a ring was full; empty otherwise
 * @param otherCores     CPU used by other processes while the child ran, in cores ({@link OtherCpuMeter})
 * @param agentMessages  the agent's complaints on stderr, such as an option it ignored; empty when all was well
 * @param clock          Loomscope's {@code recorder.clock} ({@code tsc} or {@code nanoTime}); empty otherwise
 * @param scrapes        what scraping the metrics endpoint measured, for configurations scraped; empty otherwise
 */
record RunResult(Configuration configuration, long elapsedNanos, OptionalLong processCpuNanos,
                 OptionalLong timedPassCpuNanos, OptionalLong eventsRecorded, OptionalLong dropped,
                 OptionalDouble otherCores, List<String> agentMessages, Optional<String> clock,
                 Optional<Scraper.ScrapeStats> scrapes) {
}
