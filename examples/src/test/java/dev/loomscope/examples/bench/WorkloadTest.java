package dev.loomscope.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The timed pass's share of a run's records, by which the harness divides the timed pass's CPU. */
class WorkloadTest {

    @Test
    void pingPongsTimedPassIsOneFullPassOfAllPassesAndTheWarmUp() {
        // 3 full passes of 100,000 pairs and a warm-up of 10,000 pairs at the same rounds: 1 of 3.1 passes' work
        assertEquals(1 / 3.1, Workload.pingPong(100_000, 10, 3).timedShare(), 1e-12);
        // a single pass and its warm-up: 1 of 1.1
        assertEquals(1 / 1.1, Workload.pingPong(100_000, 10, 1).timedShare(), 1e-12);
    }

    @Test
    void createStormsTimedPassIsAllButItsWarmUp() {
        // 1,000,000 threads timed after 100,000 of warm-up
        assertEquals(1 / 1.1, Workload.createStorm(1_000_000).timedShare(), 1e-12);
    }
}
