package dev.loomscope.report;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The {@code hdr} field of a latency summary: an HdrHistogram in its compressed encoding, base64 (as the agent's
 * LatencyDistribution writes it). The histograms are what make check exact on any percentile and merge exact.
 */
final class HdrCodec {
    private HdrCodec() {
    }

    /**
     * @param where the field, for the one-line message ({@code file: latencies.wakeToRun.hdr ...})
     */
    static Histogram decode(String base64, String where) throws UnusableInputException {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (Exception | OutOfMemoryError e) {
            // Corrupt input surfaces as any of several exceptions (bad base64, DataFormatException, buffer
            // underflow, index out of bounds), or as one huge array asked for by a corrupt header, whose failed
            // allocation leaves the heap as it was: all mean the same thing to the user.
            throw new UnusableInputException(where + " is not a valid HdrHistogram (corrupt or truncated)");
        }
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
