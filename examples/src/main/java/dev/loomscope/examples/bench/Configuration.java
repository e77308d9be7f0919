package dev.loomscope.examples.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The ways a workload JVM is started, in the order the harness alternates them. Each compares with the one before:
 * the empty agent is the price of the woven hooks alone, loomscope adds recording and draining, and JFR is the
 * JDK's own recorder doing comparable work (see {@code virtual-threads.jfc}).
 */
enum Configuration {
    /** No agent, no JFR: the baseline every ratio is taken against. */
    PLAIN("plain"),
    /** The agent with every hook woven but {@code recording=off}: advice runs and returns at once. */
    EMPTY_AGENT("empty-agent"),
    /** The agent recording with its default rings, dumping JSON at exit. */
    LOOMSCOPE("loomscope"),
    /** No agent; JFR with only the virtual-thread events, thresholds 0, stack traces on. */
    JFR("jfr");

    /** The name used on the command line and in the table. */
    final String label;

    Configuration(String label) {
        this.label = label;
    }

    /**
     * JVM options that select this configuration (besides the options common to all).
     *
     * @param runDirectory an empty directory owned by this run, for the dump or the recording
     */
    List<String> jvmOptions(Path agentJar, Path jfcFile, Path runDirectory) {
        return switch (this) {
            case PLAIN -> List.of();
            case EMPTY_AGENT -> List.of("-javaagent:" + agentJar + "=recording=off,quiet=true,out="
                    + dumpFile(runDirectory));
            case LOOMSCOPE -> List.of("-javaagent:" + agentJar + "=quiet=true,out=" + dumpFile(runDirectory));
            case JFR -> List.of("-XX:StartFlightRecording=filename=" + recordingFile(runDirectory)
                    + ",settings=" + jfcFile);
        };
    }

    /** Where the agent writes its JSON at exit (the empty agent writes one too, with zero counts). */
    static Path dumpFile(Path runDirectory) {
        return runDirectory.resolve("loomscope.json");
    }

    static Path recordingFile(Path runDirectory) {
        return runDirectory.resolve("recording.jfr");
    }

    static Configuration byLabel(String label) {
        for (Configuration configuration : values()) {
            if (configuration.label.equalsIgnoreCase(label.trim())) {
                return configuration;
            }
        }
        throw new IllegalArgumentException("unknown configuration '" + label + "' (known: plain, empty-agent,"
                + " loomscope, jfr)");
    }
}
