package dev.loomscope.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * One run of {@link PaymentsWorkload}: the service in the configuration under test, the load generator in a JVM of
 * its own, the service's CPU time over the measured load, and what the recorder kept.
 */
final class PaymentsRunner {
    /** The service answers within this after its start, or the run fails (it warms up before it opens its port). */
    private static final long START_TIMEOUT_SECONDS = 120;
    /** Time for the exit dump or JFR recording after SIGTERM. */
    private static final long STOP_TIMEOUT_SECONDS = 60;
    /** A JVM that ended on SIGTERM after running its shutdown hooks exits with 128 + 15. */
    private static final int EXIT_ON_SIGTERM = 143;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HarnessOptions options;
    private final BiFunction<Configuration, Path, List<String>> configurationJvmOptions;

    /** @param configurationJvmOptions a configuration's JVM options for a run directory (the harness's) */
    PaymentsRunner(HarnessOptions options, BiFunction<Configuration, Path, List<String>> configurationJvmOptions) {
        this.options = options;
        this.configurationJvmOptions = configurationJvmOptions;
    }

    /**
     * @param workload     what to run: the harness's, or in closed-loop mode the same at the calibrated rate
     * @param runDirectory an empty directory for this run's files
     * @param deleteFiles  delete them afterwards (a failed run keeps them, and says where)
     */
    PaymentsResult run(Configuration configuration, PaymentsWorkload workload, Path runDirectory, boolean deleteFiles)
            throws IOException, InterruptedException {
        Path portFile = runDirectory.resolve("service.port");
        Path serviceStdout = runDirectory.resolve("service-stdout.txt");
        Path serviceStderr = runDirectory.resolve("service-stderr.txt");
        List<String> serviceCommand = new ArrayList<>();
        serviceCommand.add(options.java().toString());
        serviceCommand.addAll(OverheadHarness.COMMON_JVM_OPTIONS);
        serviceCommand.addAll(configurationJvmOptions.apply(configuration, runDirectory));
        serviceCommand.addAll(List.of("-jar", workload.serviceJar().toAbsolutePath().toString(),
                PaymentsWorkload.SERVICE_MAIN_ARGS, "--port=0", "--port-file=" + portFile));

        OtherCpuMeter otherCpu = OtherCpuMeter.start();
        Process service = new ProcessBuilder(serviceCommand)
                .redirectOutput(serviceStdout.toFile())
                .redirectError(serviceStderr.toFile())
                .start();
        java.util.Optional<Scraper> scraper = Scraper.startFor(runDirectory);
        java.util.Optional<Scraper.ScrapeStats> scrapes;
        Measured measured;
        OptionalDouble maxThroughput = OptionalDouble.empty();
        try {
            awaitPort(service, portFile, serviceCommand, serviceStderr);
            if (workload.warmupSeconds() > 0) {
                generateLoad(workload, runDirectory, portFile, "warmup", workload.warmupSeconds(), 0, null);
            }
            if (workload.closedLoop()) {
                Path closedSummary = runDirectory.resolve("closed-loop-summary.json");
                generateLoad(workload, runDirectory, portFile, "closed-loop", workload.seconds(), workload.clients(),
                        closedSummary);
                maxThroughput = OptionalDouble.of(JSON.readTree(closedSummary.toFile()).path("throughputPerSecond")
                        .asDouble());
            }
            long cpuBefore = cpuNanos(service);
            Path summaryFile = runDirectory.resolve("load-summary.json");
            generateLoad(workload, runDirectory, portFile, "load", workload.seconds(), 0, summaryFile);
            long serviceCpu = cpuNanos(service) - cpuBefore;
            measured = new Measured(JSON.readTree(summaryFile.toFile()), serviceCpu);
        } finally {
            scrapes = scraper.map(Scraper::stop);
            stop(service);
        }
        if (service.exitValue() != 0 && service.exitValue() != EXIT_ON_SIGTERM) {
            throw new IllegalStateException(OverheadHarness.failure("(payment service) exited with "
                    + service.exitValue(), serviceCommand, serviceStderr));
        }
        // Read after both children are reaped: the meter counts the harness's reaped children as its own.
        OptionalDouble otherCores = otherCpu == null ? OptionalDouble.empty() : otherCpu.otherCores();
        OverheadHarness.Recorded recorded = OverheadHarness.recorded(configuration, runDirectory, serviceStderr);

        JsonNode load = measured.summary();
        JsonNode latency = load.path("latencyNanos");
        if (load.path("ok").asLong() == 0 || !latency.has("p99")) {
            throw new IllegalStateException("payments run without successful responses: " + runDirectory);
        }
        PaymentsResult result = new PaymentsResult(configuration, maxThroughput, load.path("throughputPerSecond").asDouble(),
                load.path("ok").asLong(), load.path("failed").asLong() + load.path("notSent").asLong(),
                latency.path("p50").asLong(), latency.path("p99").asLong(), measured.serviceCpuNanos(),
                load.path("generatorCpuNanos").asLong(-1), recorded.events(), recorded.dropped(), otherCores,
                recorded.agentMessages(), scrapes);
        if (deleteFiles) {
            OverheadHarness.deleteRecursively(runDirectory);
        }
        return result;
    }

    private record Measured(JsonNode summary, long serviceCpuNanos) {
    }

    private void awaitPort(Process service, Path portFile, List<String> command, Path stderr)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (!Files.isRegularFile(portFile) || Files.size(portFile) == 0) {
            if (!service.isAlive()) {
                throw new IllegalStateException(OverheadHarness.failure("(payment service) exited with "
                        + service.exitValue() + " before it answered", command, stderr));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(OverheadHarness.failure("(payment service) did not answer within "
                        + START_TIMEOUT_SECONDS + " s", command, stderr));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Runs the load generator to its end: the service's classes on the class path, the same heap and collector as the
     * service, no agent.
     *
     * @param clients     a closed loop of this many clients, or 0: the open loop at the workload's rate
     * @param summaryFile where it writes its summary, or null (warm-up)
     */
    private void generateLoad(PaymentsWorkload workload, Path runDirectory, Path portFile, String name, int seconds,
                              int clients, Path summaryFile)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.addAll(OverheadHarness.COMMON_JVM_OPTIONS);
        command.addAll(List.of("-cp", workload.serviceJar().toAbsolutePath().toString(),
                PaymentsWorkload.LOAD_GENERATOR, "--port-file=" + portFile, "--rate=" + workload.rate(),
                "--duration=" + seconds + "s", "--quiet"));
        if (clients > 0) {
            command.add("--clients=" + clients);
        }
        if (summaryFile != null) {
            command.add("--summary=" + summaryFile);
        }
        Path stdout = runDirectory.resolve(name + "-stdout.txt");
        Path stderr = runDirectory.resolve(name + "-stderr.txt");
        Process generator = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        // its own timeout per request is 10 s: a run that is not over a minute after its schedule is stuck
        long timeout = seconds + 60;
        if (!generator.waitFor(timeout, TimeUnit.SECONDS)) {
            generator.destroyForcibly().waitFor();
            throw new IllegalStateException(OverheadHarness.failure("(load generator) did not finish within "
                    + timeout + " s", command, stderr));
        }
        if (generator.exitValue() != 0) {
            throw new IllegalStateException(OverheadHarness.failure("(load generator) exited with "
                    + generator.exitValue(), command, stderr));
        }
    }

    /**
     * User + system CPU time of a running process, as the operating system accounts it (on Linux
     * {@code /proc/PID/stat}, in clock ticks of 10 ms): the JVM's own threads, the agent's drain thread and the JIT
     * included, which is what the machine pays for the service.
     */
    private static long cpuNanos(Process process) {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElseThrow(
                () -> new IllegalStateException("the operating system does not tell the service's CPU time"));
    }

    /** SIGTERM, as a service is stopped: the agent writes its exit dump and JFR its recording in shutdown hooks. */
    private static void stop(Process service) throws InterruptedException {
        if (!service.isAlive()) {
            return;
        }
        service.destroy();
        if (!service.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            service.destroyForcibly().waitFor();
        }
    }
}
