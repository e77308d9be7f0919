package dev.loomscope.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The ways a workload JVM is started, in the order the harness alternates them. Each compares with the one before:
 * the empty agent is the price of the woven hooks alone, loomscope adds recording and draining, and JFR is the
 * JDK's own recorder doing comparable work (see {@code virtual-threads.jfc}). The variants of loomscope after them
 * are not run unless asked for ({@code --configurations}): each leaves out or adds one part (fewer threads followed,
 * no JFR stream, no JVM bookkeeping for agents, another clock, a scraped endpoint), to show what that part costs.
 */
enum Configuration {
    /** No agent, no JFR: the baseline every ratio is taken against. */
    PLAIN("plain", null, List.of(), false, true),
    /** The agent with every hook woven but {@code recording=off}: advice runs and returns at once. */
    EMPTY_AGENT("empty-agent", "recording=off", List.of(), false, true),
    /** The agent recording with its default rings, dumping JSON at exit. */
    LOOMSCOPE("loomscope", "", List.of(), false, true),
    /** No agent; JFR with only the virtual-thread events, thresholds 0, stack traces on. */
    JFR("jfr", null, List.of(), true, true),
    /**
     * The agent recording the transitions of 1 in 100 virtual threads only ({@code threadSample}), the rest as in
     * loomscope: how much of loomscope's cost is per recorded transition, and how much is there whatever is recorded.
     */
    LOOMSCOPE_SAMPLED("loomscope-sampled", "threadSample=100", List.of(), false, false),
    /**
     * Loomscope without its JFR stream of pinned blocks ({@code jfrPinned=false}): a JVM in which a JFR recording runs
     * pays JFR's start-up and a cost for every virtual thread started, whatever the recording's events, which this
     * configuration leaves out (docs/options.md, {@code jfrPinned}).
     */
    LOOMSCOPE_NOJFR("loomscope-nojfr", "jfrPinned=false", List.of(), false, false),
    /**
     * Loomscope with the JVM's VTMS transition bookkeeping switched off: with any JVMTI environment present (every
     * Java agent has one) the JVM does extra work at every mount and unmount of a virtual thread, which this
     * experimental flag removes. The difference to loomscope is that JVM cost, which no agent can avoid today.
     */
    LOOMSCOPE_NOVTMS("loomscope-novtms", "",
            List.of("-XX:+UnlockExperimentalVMOptions", "-XX:-DoJVMTIVirtualThreadTransitions"), false, false),
    /**
     * Loomscope reading {@code System.nanoTime()} for every record instead of the CPU's time-stamp counter
     * ({@code clock=nanoTime}): what the cheaper clock saves where {@code loomscope} uses it (the dump's
     * {@code recorder.clock} says whether it did).
     */
    LOOMSCOPE_NANOTIME("loomscope-nanotime", "clock=nanoTime", List.of(), false, false),
    /**
     * Loomscope with its metrics endpoint on ({@code metrics=127.0.0.1:PORT}, a free port per run) and the harness
     * scraping it once a second as Prometheus would ({@link Scraper}): what always-on metrics add to loomscope.
     */
    LOOMSCOPE_SCRAPED("loomscope-scraped", "", List.of(), false, false);

    /** The name used on the command line and in the table. */
    final String label;
    /**
     * The agent's options that make this configuration (besides where its dump goes), or null for no agent. The
     * harness's {@code --agent-options LABEL=OPTIONS} replaces them for one run of the harness.
     */
    final String defaultAgentOptions;
    /** JVM options besides the agent and those common to all configurations. */
    final List<String> extraJvmOptions;
    /** Records with JFR (settings: {@code virtual-threads.jfc}). */
    final boolean jfr;
    /** Run when {@code --configurations} is not given. */
    final boolean selectedByDefault;

    Configuration(String label, String defaultAgentOptions, List<String> extraJvmOptions, boolean jfr,
                  boolean selectedByDefault) {
        this.label = label;
        this.defaultAgentOptions = defaultAgentOptions;
        this.extraJvmOptions = extraJvmOptions;
        this.jfr = jfr;
        this.selectedByDefault = selectedByDefault;
    }

    /** The harness scrapes the agent's metrics endpoint once a second while the JVM runs. */
    boolean scrapedEverySecond() {
        return this == LOOMSCOPE_SCRAPED;
    }

    boolean hasAgent() {
        return defaultAgentOptions != null;
    }

    /** The agent records (its dump must show events), as opposed to no agent or the empty agent. */
    boolean agentRecords() {
        return hasAgent() && this != EMPTY_AGENT;
    }

    /**
     * JVM options that select this configuration (besides the options common to all).
     *
     * @param agentOptions  this configuration's agent options (its default or the command line's), ignored without
     *                      an agent
     * @param runDirectory  an empty directory owned by this run, for the dump or the recording
     * @param metricsPort   the loopback port of the agent's metrics endpoint, or 0 for none
     */
    List<String> jvmOptions(Path agentJar, String agentOptions, Path jfcFile, Path runDirectory, int metricsPort) {
        List<String> options = new ArrayList<>(extraJvmOptions);
        if (hasAgent()) {
            // The harness's own options last: the agent takes the last value of a key, and the harness must find the
            // dump where it looks for it, whatever the configuration's options say.
            String harnessOwn = "quiet=true,out=" + dumpFile(runDirectory)
                    + (metricsPort > 0 ? ",metrics=127.0.0.1:" + metricsPort : "");
            options.add("-javaagent:" + agentJar + "="
                    + (agentOptions.isBlank() ? harnessOwn : agentOptions + "," + harnessOwn));
        }
        if (jfr) {
            options.add("-XX:StartFlightRecording=filename=" + recordingFile(runDirectory) + ",settings=" + jfcFile);
        }
        return options;
    }

    /** Where the agent writes its JSON at exit (the empty agent writes one too, with zero counts). */
    static Path dumpFile(Path runDirectory) {
        return runDirectory.resolve("loomscope.json");
    }

    static Path recordingFile(Path runDirectory) {
        return runDirectory.resolve("recording.jfr");
    }

    static List<Configuration> defaults() {
        return Arrays.stream(values()).filter(c -> c.selectedByDefault).toList();
    }

    static String labels() {
        return Arrays.stream(values()).map(c -> c.label).collect(Collectors.joining(", "));
    }

    static Configuration byLabel(String label) {
        for (Configuration configuration : values()) {
            if (configuration.label.equalsIgnoreCase(label.trim())) {
                return configuration;
            }
        }
        throw new IllegalArgumentException("unknown configuration '" + label + "' (known: " + labels() + ")");
    }
}
