package dev.loomscope.agent.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The buckets of an exported latency, against the values recorded, counted one by one. */
class LatencyHistogramTest {
    private static final long SEVEN_DAYS = TimeUnit.DAYS.toNanos(7);

    @Test
    void classicBoundsAreOnePerDoublingFromOneMicrosecondToAMinute() {
        double[] bounds = LatencyHistogram.classicUpperBoundsSeconds();
        assertEquals(28, bounds.length);
        assertEquals(1.024e-6, bounds[0]);
        assertEquals(2.048e-6, bounds[1]);
        assertEquals(68.719476736, bounds[26]);
        assertEquals(Double.POSITIVE_INFINITY, bounds[27]);
    }

    @Test
    void classicBucketsCountEveryValueAtOrBelowTheirBound() {
        List<Long> values = logUniform(50_000, 100, 200_000_000_000L, 1);
        HistogramSnapshot.HistogramDataPointSnapshot point = export(values);
        ClassicHistogramBuckets buckets = point.getClassicBuckets();
        long cumulative = 0;
        for (int i = 0; i < buckets.size(); i++) {
            cumulative += buckets.getCount(i);
            double bound = buckets.getUpperBound(i);
            long expected = values.stream().filter(v -> v / 1e9 <= bound).count();
            assertEquals(expected, cumulative, "le=" + bound);
        }
        assertEquals(values.size(), point.getCount());
    }

    @Test
    void nativeBucketsAreSchemaTwoInSecondsAndHoldEachValueInItsBucket() {
        List<Long> values = logUniform(50_000, 1, SEVEN_DAYS, 2);
        values.add(0L);
        values.add(0L);
        HistogramSnapshot.HistogramDataPointSnapshot point = export(values);
        assertEquals(2, point.getNativeSchema());
        assertEquals(2, point.getNativeZeroCount());
        TreeMap<Integer, Long> expected = new TreeMap<>();
        for (long v : values) {
            if (v > 0) {
                expected.merge((int) Math.ceil(4 * Math.log(v / 1e9) / Math.log(2)), 1L, Long::sum);
            }
        }
        NativeHistogramBuckets buckets = point.getNativeBucketsForPositiveValues();
        long misplaced = 0;
        long total = 0;
        for (int i = 0; i < buckets.size(); i++) {
            int key = buckets.getBucketIndex(i);
            long count = buckets.getCount(i);
            total += count;
            misplaced += Math.abs(count - expected.getOrDefault(key, 0L));
            assertTrue(i == 0 || key > buckets.getBucketIndex(i - 1), "keys in increasing order");
        }
        assertEquals(values.size() - 2, total);
        // HdrHistogram keeps 3 significant digits: only a value within 1/1024 of a bucket boundary can be counted
        // in the neighbouring bucket (and it then moves out of one bucket into the other: counted twice here)
        assertTrue(misplaced <= 2 * values.size() / 500, misplaced + " values in a neighbouring bucket");
    }

    @Test
    void sumIsTheSumOfTheValuesWithinHdrHistogramsResolution() {
        List<Long> values = logUniform(20_000, 1_000, 10_000_000_000L, 3);
        double exact = values.stream().mapToDouble(v -> v / 1e9).sum();
        double exported = export(values).getSum();
        assertEquals(exact, exported, exact * 1e-3);
    }

    @Test
    void aDistributionWithoutValuesExportsEmptyBuckets() {
        HistogramSnapshot.HistogramDataPointSnapshot point = export(List.of());
        assertEquals(0, point.getCount());
        assertEquals(0, point.getSum());
        assertEquals(28, point.getClassicBuckets().size());
        assertEquals(0, point.getNativeBucketsForPositiveValues().size());
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot export(List<Long> values) {
        Histogram histogram = new Histogram(1, SEVEN_DAYS, 3);
        values.forEach(histogram::recordValue);
        return LatencyHistogram.dataPoint(ranges -> {
            for (HistogramIterationValue value : histogram.recordedValues()) {
                long highest = value.getValueIteratedTo();
                ranges.accept(highest, histogram.medianEquivalentValue(highest), value.getCountAtValueIteratedTo());
            }
        }, Labels.EMPTY);
    }

    /** Values spread evenly over the logarithm of [min, max], none of them a power of two (a classic bound). */
    private static List<Long> logUniform(int n, long min, long max, long seed) {
        Random random = new Random(seed);
        List<Long> values = new ArrayList<>();
        while (values.size() < n) {
            long v = (long) Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
            if (Long.bitCount(v) != 1) {
                values.add(v);
            }
        }
        return values;
    }
}
