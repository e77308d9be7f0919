package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLatencyBucketsTest {

    @Test
    void powersOfTwoAreTheInclusiveUpperBoundOfTheirBucket() {
        // 2^k ns is the upper bound of bucket 4k-1 (2^((i+1)/4) with i = 4k-1), upper bounds being inclusive;
        // 2^k + 1 is the next bucket's once 2^k + 1 <= 2^(k + 1/4), i.e. from k = 3 on
        for (int k = 1; k < LogLatencyBuckets.MAX_EXPONENT; k++) {
            assertEquals(4 * k - 1, LogLatencyBuckets.index(1L << k), "2^" + k);
            if (k >= 3) {
                assertEquals(4 * k, LogLatencyBuckets.index((1L << k) + 1), "2^" + k + "+1");
            }
        }
    }

    @Test
    void everyValueLiesWithinItsBucketBounds() {
        for (long v = 2; v < 1L << 41; v = v * 5 / 4 + 1) {
            int i = LogLatencyBuckets.index(v);
            assertTrue(v > LogLatencyBuckets.lowerBoundNanos(i) && v <= LogLatencyBuckets.upperBoundNanos(i),
                    v + " in bucket " + i);
        }
    }

    @Test
    void randomValuesLieWithinTheirBucketBounds() {
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 200_000; i++) {
            long v = 2 + (random.nextLong() >>> (24 + random.nextInt(39)));
            int b = LogLatencyBuckets.index(v);
            assertTrue(v > LogLatencyBuckets.lowerBoundNanos(b) && v <= LogLatencyBuckets.upperBoundNanos(b),
                    v + " in bucket " + b);
        }
    }

    /**
     * Exact oracle in integers: {@code 2^(i/4) < v <= 2^((i+1)/4)} is {@code 2^i < v^4 <= 2^(i+1)}, so the bucket of
     * {@code v > 1} is {@code bitLength(v^4 - 1) - 1}. Checked on both sides of every boundary inside every doubling.
     */
    @Test
    void matchesTheExactIntegerDefinitionAroundEveryBoundary() {
        for (int e = 1; e < LogLatencyBuckets.MAX_EXPONENT; e++) {
            for (int k = 1; k < 4; k++) {
                long boundaryFloor = (long) Math.floor(Math.pow(2, e + k / 4.0));
                for (long v = Math.max(2, boundaryFloor - 2); v <= boundaryFloor + 2; v++) {
                    assertEquals(exactBucket(v), LogLatencyBuckets.index(v), "v=" + v);
                }
            }
        }
    }

    private static int exactBucket(long v) {
        java.math.BigInteger fourth = java.math.BigInteger.valueOf(v).pow(4);
        return Math.min(fourth.subtract(java.math.BigInteger.ONE).bitLength() - 1, LogLatencyBuckets.BUCKETS - 1);
    }

    @Test
    void extremesGoToTheFirstAndLastBucket() {
        assertEquals(0, LogLatencyBuckets.index(0));
        assertEquals(0, LogLatencyBuckets.index(1));
        assertEquals(LogLatencyBuckets.BUCKETS - 1, LogLatencyBuckets.index(Long.MAX_VALUE));
        assertEquals(LogLatencyBuckets.BUCKETS - 1, LogLatencyBuckets.index((1L << 40) + 1));
    }

    @Test
    void neighbouringBucketsDifferByTheFourthRootOfTwo() {
        double ratio = LogLatencyBuckets.upperBoundNanos(41) / LogLatencyBuckets.upperBoundNanos(40);
        assertEquals(Math.pow(2, 0.25), ratio, 1e-12);
    }
}
