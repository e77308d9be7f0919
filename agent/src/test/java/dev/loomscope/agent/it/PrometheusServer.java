package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the Debian package {@code prometheus}, which {@code scripts/test} installs when it is
 * missing) on a loopback port, scraping one target every second, for as long as the test needs it.
 * <p>
 * Without a {@code prometheus} on the PATH the test fails and says how to install it, unless
 * {@code LOOMSCOPE_SKIP_PROMETHEUS=1}, which skips it.
 */
final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts Prometheus in {@code directory} scraping {@code target} ({@code host:port}) every second as job
     * {@code loomscope}, evaluating {@code ruleFiles} every second.
     *
     * @param features {@code --enable-feature} values (e.g. {@code native-histograms}: then it asks for protobuf)
     */
    static PrometheusServer start(Path directory, String target, List<Path> ruleFiles, String... features)
            throws IOException, InterruptedException {
        String binary = executable("prometheus");
        int port = freePort();
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                """);
        if (!ruleFiles.isEmpty()) {
            config.append("rule_files:\n");
            ruleFiles.forEach(file -> config.append("  - ").append(file.toAbsolutePath()).append('\n'));
        }
        config.append("""
                scrape_configs:
                  - job_name: loomscope
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        Path configFile = Files.writeString(directory.resolve("prometheus.yml"), config);
        List<String> command = new ArrayList<>(List.of(binary, "--config.file=" + configFile,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
        for (String feature : features) {
            command.add("--enable-feature=" + feature);
        }
        Path log = directory.resolve("prometheus.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, log, port);
        server.awaitReady();
        return server;
    }

    /** An executable on the PATH; fails saying how to install it, or skips the test (LOOMSCOPE_SKIP_PROMETHEUS=1). */
    static String executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String message = name + " was not found on the PATH: the metrics tests scrape the agent with a real Prometheus;"
                + " install it (Debian: apt-get install prometheus; scripts/test does this), or set"
                + " LOOMSCOPE_SKIP_PROMETHEUS=1 to skip these tests";
        Assumptions.assumeFalse("1".equals(System.getenv("LOOMSCOPE_SKIP_PROMETHEUS")), message);
        throw new AssertionError(message);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited (" + process.exitValue() + "):\n" + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus not ready within 30 s:\n" + log());
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/v1/...}: its {@code data}, after checking {@code status} is {@code success}. */
    JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/" + pathAndQuery);
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus answered " + response.statusCode() + " to " + pathAndQuery + ": "
                    + response.body());
        }
        return body.get("data");
    }

    /** An instant query now: the result array (vector). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + encode(promql)).get("result");
    }

    /** An instant query at {@code epochSeconds}. */
    JsonNode queryAt(String promql, double epochSeconds) throws IOException, InterruptedException {
        return api("query?query=" + encode(promql) + "&time=" + epochSeconds).get("result");
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
