package dev.loomscope.format;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The {@code hdr} field of a latency summary: an HdrHistogram in its compressed encoding
 * ({@code encodeIntoCompressedByteBuffer}), base64. Other HdrHistogram implementations read the same encoding; the
 * histograms are what make {@code check} exact on any percentile and {@code merge} exact.
 */
public final class HistogramCodec {
    private HistogramCodec() {
    }

    public static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @throws IllegalArgumentException if {@code base64} is not an encoded histogram (corrupt or truncated) */
    public static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (Exception | OutOfMemoryError e) {
            // Corrupt input surfaces as any of several exceptions (bad base64, DataFormatException, buffer
            // underflow, index out of bounds), or as one huge array asked for by a corrupt header, whose failed
            // allocation leaves the heap as it was: all mean the same thing to a reader.
            throw new IllegalArgumentException("not a valid HdrHistogram (corrupt or truncated)", e);
        }
    }
}
