package dev.loomscope.examples.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness's command line.
 *
 * @param runs            repetitions; each runs every configuration once
 * @param markdownFile    where to write the report as well as stdout, or null
 * @param agentJar        the -javaagent jar for the empty-agent and loomscope configurations
 * @param workloads       the timed workloads, in the order they run
 * @param payments        the payment service workload, run after them; null when not selected
 * @param configurations  in the order they alternate
 * @param agentOptions    the agent options of every configuration with an agent: its default, or what
 *                        {@code --agent-options} gave
 * @param java            the child JVMs' launcher
 * @param timeoutSeconds  per child JVM
 * @param keepFiles       keep every child's stdout, stderr, dump and recording (and say where)
 * @param maxOtherCores   each run waits until other processes use less CPU than this (in cores), and is repeated
 *                        if they used more while it ran
 * @param retries         how many times one run may be repeated for that reason before it is kept anyway; with 0
 *                        the harness neither waits nor repeats
 */
record HarnessOptions(int runs, Path markdownFile, Path agentJar, List<Workload> workloads, PaymentsWorkload payments,
                      List<Configuration> configurations, Map<Configuration, String> agentOptions, Path java, long timeoutSeconds, boolean keepFiles,
                      double maxOtherCores, int retries) {

    static final String USAGE = """
            usage: OverheadHarness [options]
              --runs N             repetitions, each alternating all configurations (default 5)
              --markdown FILE      also write the report to FILE
              --agent-jar JAR      the agent (default: agent/target/loomscope-agent.jar of this build)
              --workloads LIST     PingPong,CreateStorm,Payments (default: PingPong,CreateStorm); Payments runs last
              --configurations LIST
                                   the configurations to alternate, in this order (also --configs); known: plain,
                                   empty-agent, loomscope, jfr, loomscope-sampled, loomscope-nojfr,
                                   loomscope-novtms, loomscope-nanotime, loomscope-scraped (default: the
                                   first four)
              --agent-options CONFIGURATION=OPTIONS
                                   the agent options of one configuration instead of its own (repeatable), e.g.
                                   --agent-options loomscope-sampled=threadSample=50 (the harness adds quiet and out)
              --pairs N            PingPong pairs (default 100000)
              --rounds R           PingPong round trips per pair (default 10)
              --passes P           PingPong full-size passes per JVM, only the last timed (default 1; 3 measures
                                   the steady state)
              --threads N          CreateStorm threads (default 1000000)
              --payments-rate N    Payments: requests per second, open loop (default %d)
              --payments-seconds S Payments: measured load per run (default %d)
              --payments-warmup S  Payments: unmeasured load before it, per run (default %d)
              --payments-clients N Payments: also measure the maximum throughput, in a closed loop of N clients,
                                   and run the open loop at 70 %% of plain's maximum (measured first) instead of
                                   --payments-rate (default 0: open loop only)
              --payments-jar JAR   the service (default: examples/payments/target/payment-service.jar of this build)
              --java PATH          java launcher for the child JVMs (default: the one running the harness)
              --timeout SECONDS    per child JVM (default 600)
              --max-other-cores C  wait (up to 2 min) until other processes use at most C cores before each run,
                                   and repeat a run if they used more meanwhile (default 0.10)
              --retries N          repeat one run at most N times for that (default 3; 0: neither wait nor repeat)
              --keep-files         keep each run's output, dump and recording""".formatted(
            PaymentsWorkload.DEFAULT_RATE, PaymentsWorkload.DEFAULT_SECONDS, PaymentsWorkload.DEFAULT_WARMUP_SECONDS);

    static HarnessOptions parse(String[] args) {
        int runs = 5;
        Path markdownFile = null;
        Path agentJar = fromBuildRoot(Path.of("agent", "target", "loomscope-agent.jar"));
        Path paymentsJar = fromBuildRoot(Path.of("examples", "payments", "target", "payment-service.jar"));
        int paymentsRate = PaymentsWorkload.DEFAULT_RATE;
        int paymentsSeconds = PaymentsWorkload.DEFAULT_SECONDS;
        int paymentsWarmup = PaymentsWorkload.DEFAULT_WARMUP_SECONDS;
        int paymentsClients = 0;
        List<String> workloadNames = List.of("PingPong", "CreateStorm");
        List<Configuration> configurations = Configuration.defaults();
        Map<Configuration, String> agentOptions = new EnumMap<>(Configuration.class);
        for (Configuration configuration : Configuration.values()) {
            if (configuration.hasAgent()) {
                agentOptions.put(configuration, configuration.defaultAgentOptions);
            }
        }
        int pairs = 100_000;
        int rounds = 10;
        int passes = 1;
        int threads = 1_000_000;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        long timeoutSeconds = 600;
        boolean keepFiles = false;
        double maxOtherCores = 0.10;
        int retries = 3;

        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--keep-files")) {
                keepFiles = true;
                continue;
            }
            if (option.equals("--help") || option.equals("-h")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--runs" -> runs = positive(option, value);
                case "--markdown" -> markdownFile = Path.of(value);
                case "--agent-jar" -> agentJar = Path.of(value);
                case "--workloads" -> workloadNames = List.of(value.split(","));
                case "--configs", "--configurations" -> configurations = parseConfigurations(value);
                case "--agent-options" -> {
                    int eq = value.indexOf('=');
                    Configuration configuration = Configuration.byLabel(eq < 0 ? value : value.substring(0, eq));
                    if (!configuration.hasAgent()) {
                        throw new IllegalArgumentException("--agent-options: configuration '" + configuration.label
                                + "' runs without the agent");
                    }
                    agentOptions.put(configuration, eq < 0 ? "" : value.substring(eq + 1));
                }
                case "--pairs" -> pairs = positive(option, value);
                case "--rounds" -> rounds = positive(option, value);
                case "--passes" -> passes = positive(option, value);
                case "--threads" -> threads = positive(option, value);
                case "--payments-rate" -> paymentsRate = positive(option, value);
                case "--payments-seconds" -> paymentsSeconds = positive(option, value);
                case "--payments-warmup" -> paymentsWarmup = nonNegative(option, value);
                case "--payments-jar" -> paymentsJar = Path.of(value);
                case "--payments-clients" -> paymentsClients = nonNegative(option, value);
                case "--java" -> java = Path.of(value);
                case "--timeout" -> timeoutSeconds = positive(option, value);
                case "--max-other-cores" -> maxOtherCores = cores(option, value);
                case "--retries" -> retries = nonNegative(option, value);
                default -> throw new IllegalArgumentException("unknown option: " + option);
            }
        }

        List<Workload> workloads = new ArrayList<>();
        PaymentsWorkload payments = null;
        for (String name : workloadNames) {
            switch (name.trim().toLowerCase()) {
                case "pingpong" -> workloads.add(Workload.pingPong(pairs, rounds, passes));
                case "createstorm" -> workloads.add(Workload.createStorm(threads));
                case "payments" -> payments = new PaymentsWorkload(paymentsRate, paymentsSeconds, paymentsWarmup,
                        paymentsJar, paymentsClients);
                default -> throw new IllegalArgumentException("unknown workload '" + name
                        + "' (known: PingPong, CreateStorm, Payments)");
            }
        }
        return new HarnessOptions(runs, markdownFile, agentJar, List.copyOf(workloads), payments, configurations,
                Collections.unmodifiableMap(agentOptions), java,
                timeoutSeconds, keepFiles, maxOtherCores, retries);
    }

    private static List<Configuration> parseConfigurations(String value) {
        Set<Configuration> chosen = new LinkedHashSet<>();
        for (String label : value.split(",")) {
            chosen.add(Configuration.byLabel(label));
        }
        return List.copyOf(chosen);
    }

    /** A positive int option value (underscores allowed), or an exception naming the option. */
    static int positive(String option, String value) {
        int n = parsedOrNegative(value);
        if (n > 0) {
            return n;
        }
        throw new IllegalArgumentException(option + " needs a positive integer, not '" + value + "'");
    }

    static int nonNegative(String option, String value) {
        int n = parsedOrNegative(value);
        if (n >= 0) {
            return n;
        }
        throw new IllegalArgumentException(option + " needs a non-negative integer, not '" + value + "'");
    }

    /** The int in {@code value} (underscores allowed), or -1 if it is not one. */
    private static int parsedOrNegative(String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double cores(String option, String value) {
        try {
            double cores = Double.parseDouble(value);
            if (cores >= 0) {
                return cores;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a number of cores such as 0.25, not '" + value + "'");
    }

    /**
     * A jar of the build this harness belongs to, such as the agent's: the harness lives in {@code examples/target/}
     * (jar or classes), so the build's root is three levels up. Falls back to the same path relative to the working
     * directory.
     */
    static Path fromBuildRoot(Path relative) {
        Path root;
        try {
            root = Path.of(OverheadHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
        } catch (URISyntaxException e) {
            return relative;
        }
        for (int up = 0; up < 3 && root != null; up++) { // examples/target/{classes|loomscope-examples.jar} -> root
            root = root.getParent();
        }
        return root != null && Files.isRegularFile(root.resolve(relative)) ? root.resolve(relative) : relative;
    }
}
