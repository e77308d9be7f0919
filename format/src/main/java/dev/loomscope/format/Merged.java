package dev.loomscope.format;

import java.util.List;

/**
 * {@code merged}: only in a dump made by {@code report merge}, the JVM dumps it covers (docs/report.md).
 *
 * @param inputs one per JVM dump, in command-line order; a merged input contributes its own inputs
 */
public record Merged(List<Input> inputs) {

    /** @param file the input's file name */
    public record Input(String file, Long pid, String javaVersion, Long jvmStartEpochMs, Long recordingStartEpochMs,
                        Long dumpEpochMs, String trigger) {
    }
}
