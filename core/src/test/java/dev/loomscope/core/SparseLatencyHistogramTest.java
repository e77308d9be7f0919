package dev.loomscope.core;

import dev.loomscope.format.HistogramCodec;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sparse histogram is the HdrHistogram the same values make: same counts, same encoding, same percentiles. */
class SparseLatencyHistogramTest {

    @Test
    void isTheHistogramTheSameValuesMake() {
        SplittableRandom random = new SplittableRandom(7);
        SparseLatencyHistogram sparse = new SparseLatencyHistogram();
        Histogram full = new Histogram(1, LatencyHistogram.HIGHEST_TRACKABLE_NANOS,
                LatencyHistogram.SIGNIFICANT_DIGITS);
        long[] edges = {0, 1, 2047, 2048, 2049, 4095, 4096, LatencyHistogram.HIGHEST_TRACKABLE_NANOS};
        for (long edge : edges) {
            sparse.record(edge);
            full.recordValue(edge);
        }
        for (int i = 0; i < 200_000; i++) {
            long value = (long) Math.exp(random.nextDouble() * Math.log(TimeUnit.SECONDS.toNanos(10)));
            sparse.record(value);
            full.recordValue(value);
        }
        LatencyDistribution distribution = sparse.snapshot();
        assertEquals(full.getTotalCount(), distribution.count());
        Histogram built = HistogramCodec.decode(distribution.summary().hdr());
        assertEquals(full, built);
        assertEquals(HistogramCodec.encode(full), distribution.summary().hdr(), "the same bytes");
        assertEquals(full.getValueAtPercentile(99), distribution.summary().p99());
    }

    @Test
    void valuesOutOfRangeAreClampedAndCounted() {
        SparseLatencyHistogram sparse = new SparseLatencyHistogram();
        sparse.record(-5);
        sparse.record(Long.MAX_VALUE);
        assertEquals(1, sparse.snapshot().summary().clamped());
        assertEquals(0, sparse.snapshot().summary().min());
        assertEquals(2, sparse.count());
    }

    /** Memory grows with the decades the values span, not with the histogram's range. */
    @Test
    void holdsOnlyTheRowsItsValuesUse() {
        SparseLatencyHistogram sparse = new SparseLatencyHistogram();
        assertEquals(0, sparse.footprintBytes());
        for (long v = 1_000; v <= 10_000_000; v += 997) { // 1 µs to 10 ms: 14 doublings
            sparse.record(v);
        }
        assertTrue(sparse.footprintBytes() <= 15 * (4 * 1024 + 16), sparse.footprintBytes() + " bytes");
        assertTrue(sparse.footprintBytes() < new Histogram(1, LatencyHistogram.HIGHEST_TRACKABLE_NANOS, 3)
                .getEstimatedFootprintInBytes() / 5);
    }
}
