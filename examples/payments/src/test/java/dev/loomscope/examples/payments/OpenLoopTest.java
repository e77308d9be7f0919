package dev.loomscope.examples.payments;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open loop against a simulated clock: requests leave at their intended starts whatever the responses do, and a
 * stall is charged to every request that was due during it (no coordinated omission).
 */
class OpenLoopTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    /** Simulated time; {@link #sleepUntil} can be made to overshoot once, as a frozen generator (GC pause) would. */
    static final class FakeClock implements OpenLoop.Clock {
        long now = 1_000_000 * MS; // any origin
        long freezeAt = Long.MAX_VALUE;
        long freezeFor;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadline) {
            now = Math.max(now, deadline);
            if (now >= freezeAt) {
                now += freezeFor;
                freezeAt = Long.MAX_VALUE;
            }
        }
    }

    @Test
    void requestsLeaveAtTheirIntendedStartsWithoutWaitingForResponses() throws InterruptedException {
        FakeClock clock = new FakeClock();
        List<long[]> sends = new ArrayList<>();
        // Every response would take 1 s: a closed loop would send 1 request in that second, the open loop sends 100.
        long start = OpenLoop.run(new Schedule(100, 1_000 * MS), clock,
                (index, intended) -> sends.add(new long[] {index, intended, clock.nanoTime()}));
        assertEquals(100, sends.size());
        for (long[] send : sends) {
            assertEquals(start + send[0] * 10 * MS, send[1], "intended start of request " + send[0]);
            assertEquals(send[1], send[2], "request " + send[0] + " left at its intended start");
        }
    }

    @Test
    void aStalledGeneratorChargesTheStallToEveryRequestDueDuringIt() throws InterruptedException {
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        clock.freezeAt = origin + 100 * MS; // frozen for 500 ms when request 10 is due
        clock.freezeFor = 500 * MS;
        Latencies latencies = new Latencies();
        // The service answers at once: whatever latency is measured is the generator's lateness.
        OpenLoop.run(new Schedule(100, 1_000 * MS), clock,
                (index, intended) -> latencies.record(intended, clock.nanoTime(), clock.nanoTime()));

        Histogram fromIntended = latencies.total();
        assertEquals(100, fromIntended.getTotalCount(), "every request is measured, none omitted");
        // Requests 10..59 (due at 100..590 ms) all left at 600 ms: 500, 490, ..., 10 ms late.
        assertEquals(500 * MS, fromIntended.getMaxValue(), 500 * MS / 1000.0);
        assertEquals(41, fromIntended.getCountBetweenValues(100 * MS - MS / 10, HOUR),
                "requests 10..50 are at least 100 ms late");
        assertEquals(50, fromIntended.getCountBetweenValues(10 * MS - MS / 100, HOUR));

        // Measured from the actual send (what a closed-loop tool reports), the stall disappears.
        Histogram fromSend = latencies.totalFromSend();
        assertEquals(100, fromSend.getTotalCount());
        assertTrue(fromSend.getMaxValue() < MS, "service time shows no stall: " + fromSend.getMaxValue());
    }

    @Test
    void aStalledServiceIsSeenByEveryRequestSentDuringTheStall() throws InterruptedException {
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        long stallFrom = origin + 200 * MS;
        long stallUntil = origin + 700 * MS;
        Latencies latencies = new Latencies();
        // Responses to requests sent while the service is stalled all come at its end; others at once.
        OpenLoop.run(new Schedule(100, 1_000 * MS), clock, (index, intended) -> {
            long sent = clock.nanoTime();
            long done = sent >= stallFrom && sent < stallUntil ? stallUntil : sent;
            latencies.record(intended, sent, done);
        });
        Histogram h = latencies.total();
        assertEquals(100, h.getTotalCount());
        // Requests 20..69: 500, 490, ..., 10 ms. A closed loop would have measured one 500 ms request and then
        // resumed, never sending the 49 others the stall delayed.
        assertEquals(50, h.getCountBetweenValues(10 * MS - MS / 100, HOUR));
        assertEquals(500 * MS, h.getMaxValue(), 500 * MS / 1000.0);
        assertEquals(250 * MS, h.getValueAtPercentile(75), 250 * MS / 100.0);
    }
}
