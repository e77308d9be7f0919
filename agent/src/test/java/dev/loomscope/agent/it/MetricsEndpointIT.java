package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.agent.it.workloads.CountingApp;
import dev.loomscope.agent.it.workloads.UntilStopped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics endpoint never harms its JVM and serves only what it must: a bare port listens on 127.0.0.1 alone,
 * another address is spelled out and announced, every method but GET and HEAD is refused, a port in use is one line
 * and the application runs on, its threads keep no JVM alive, and a late attach can start it.
 */
class MetricsEndpointIT {
    private static final long WAIT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aBarePortListensOnLoopbackOnlyAndTheJvmExitsWhenMainReturns(@TempDir Path dir) throws Exception {
        int port = PrometheusServer.freePort();
        Path stop = dir.resolve("stop");
        AgentJvm.Running app = AgentJvm.withAgent("metrics=" + port + ",quiet=true,out=" + dir.resolve("exit.json"))
                .start(UntilStopped.class, stop.toString(), "120");
        try {
            app.awaitStdout("ready", 1, WAIT_SECONDS);
            awaitServing("127.0.0.1", port, app);
            assertEquals(List.of(listening("0100007F", port)), listeningSockets(port),
                    "bound to 127.0.0.1 only, not to every interface");
            assertThrows(ConnectException.class, () -> connect("127.0.0.2", port),
                    "another loopback address of this machine is not served");
        } finally {
            Files.createFile(stop);
        }
        // the endpoint's threads (its HTTP server's too) are daemons: main returning ends the JVM
        AgentJvm.Result result = app.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.stderrLines(), "a loopback endpoint starts without a word");
    }

    @Test
    void anotherAddressMustBeSpelledOutAndIsAnnounced(@TempDir Path dir) throws Exception {
        int port = PrometheusServer.freePort();
        Path stop = dir.resolve("stop");
        AgentJvm.Running app = AgentJvm.withAgent("metrics=127.0.0.2:" + port + ",quiet=true,out="
                        + dir.resolve("exit.json"))
                .start(UntilStopped.class, stop.toString(), "120");
        try {
            app.awaitStdout("ready", 1, WAIT_SECONDS);
            awaitServing("127.0.0.2", port, app);
            assertThrows(ConnectException.class, () -> connect("127.0.0.1", port));
        } finally {
            Files.createFile(stop);
        }
        AgentJvm.Result result = app.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of("loomscope: metrics endpoint listening on 127.0.0.2:" + port + " (loopback)"),
                result.agentLines());
    }

    @Test
    void onlyGetAndHeadAreServedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        int port = PrometheusServer.freePort();
        Path work = Files.createDirectory(dir.resolve("work"));
        Path stop = dir.resolve("stop");
        AgentJvm.Running app = AgentJvm.withAgent("metrics=" + port + ",quiet=true,out=" + dir.resolve("exit.json"))
                .directory(work)
                .start(UntilStopped.class, stop.toString(), "120");
        try {
            app.awaitStdout("ready", 1, WAIT_SECONDS);
            awaitServing("127.0.0.1", port, app);
            for (String path : List.of("/metrics", "/loomscope.json")) {
                for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
                    HttpResponse<String> response = send(port, path, method, "");
                    assertEquals(405, response.statusCode(), method + " " + path);
                    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""), method + " " + path);
                }
                assertEquals(200, send(port, path, "HEAD", "").statusCode(), "HEAD " + path);
            }
            assertEquals(404, send(port, "/", "GET", "").statusCode());
            assertEquals(404, send(port, "/metrics/more", "GET", "").statusCode());
            assertEquals(404, send(port, "/loomscope.json.tmp", "GET", "").statusCode());

            HttpResponse<String> metrics = send(port, "/metrics", "GET", "");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("loomscope_virtual_threads_created_total{"), metrics.body());
            HttpResponse<String> openMetrics = HTTP.send(request(port, "/metrics")
                    .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("")
                    .startsWith("application/openmetrics-text"), openMetrics.headers().toString());
            assertTrue(openMetrics.body().endsWith("# EOF\n"));

            JsonNode dump = JSON.readTree(send(port, "/loomscope.json", "GET", "").body());
            assertEquals("loomscope/1", dump.at("/schema").asText());
            assertEquals("http", dump.at("/recording/trigger").asText());
            assertEquals("127.0.0.1:" + port, dump.at("/agent/options/metrics").asText());
            assertEquals(UntilStopped.class.getName(), dump.at("/agent/options/service").asText());
            HttpResponse<byte[]> gzipped = HTTP.send(request(port, "/loomscope.json")
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""));
            try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
                assertEquals("loomscope/1", JSON.readTree(in).at("/schema").asText());
            }
            try (Stream<Path> files = Files.list(work)) {
                assertEquals(List.of(), files.toList(), "the endpoint wrote nothing");
            }
        } finally {
            Files.createFile(stop);
        }
        AgentJvm.Result result = app.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of(), result.stderrLines());
    }

    @Test
    void aPortInUseIsOneLineAndTheApplicationRunsOn(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path dump = dir.resolve("exit.json");
            AgentJvm.Result result = AgentJvm.withAgent("metrics=" + port + ",quiet=true,out=" + dump)
                    .run(CountingApp.class, "200", "3");
            assertEquals(3, result.exitCode(), result.stderr());
            assertEquals("virtualThreads=200\nsum=19900\n", result.stdout());
            List<String> lines = result.agentLines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("loomscope: cannot serve metrics on 127.0.0.1:" + port + " (")
                    && lines.get(0).endsWith("); recording goes on without the metrics endpoint"), lines.get(0));
            assertEquals(result.agentLines(), result.stderrLines(), "no stack trace");
            assertEquals(200, AgentJvm.readJson(dump).at("/counts/created").asLong(), "recording went on");
        }
    }

    @Test
    void aBadAddressIsOneLineAndNoEndpoint(@TempDir Path dir) throws Exception {
        AgentJvm.Result result = AgentJvm.withAgent("metrics=localhost,quiet=true,out=" + dir.resolve("exit.json"))
                .run(CountingApp.class, "10", "0");
        assertEquals(0, result.exitCode(), result.stderr());
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("loomscope: bad value 'localhost' for option 'metrics'"), lines.get(0));
    }

    @Test
    void aLateAttachStartsTheEndpoint(@TempDir Path dir) throws Exception {
        int port = PrometheusServer.freePort();
        Path stop = dir.resolve("stop");
        AgentJvm.Running app = AgentJvm.withoutAgent().jvmOption("-XX:+EnableDynamicAgentLoading")
                .start(UntilStopped.class, stop.toString(), "120");
        try {
            app.awaitStdout("ready", 1, WAIT_SECONDS);
            AgentCli.run(dir, "attach", Long.toString(app.pid()),
                    "metrics=" + port + ",service=attached,quiet=true,out=" + dir.resolve("exit.json")).expect(0);
            awaitServing("127.0.0.1", port, app);
            String metrics = send(port, "/metrics", "GET", "").body();
            assertTrue(metrics.contains("loomscope_wakes_total{pid=\"" + app.pid() + "\",service=\"attached\"}"),
                    metrics);
            JsonNode dump = JSON.readTree(send(port, "/loomscope.json", "GET", "").body());
            assertEquals("late", dump.at("/recording/attach").asText());
        } finally {
            Files.createFile(stop);
        }
        AgentJvm.Result result = app.waitFor(WAIT_SECONDS);
        assertEquals(0, result.exitCode(), result.stderr());
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** Waits until {@code GET /metrics} answers 200 on {@code host:port}. */
    private static void awaitServing(String host, int port, AgentJvm.Running app) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + port + "/metrics")).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // the endpoint starts on its own thread
            }
            assertTrue(app.process().isAlive(), "JVM exited: " + app.stderrSoFar());
            assertTrue(System.nanoTime() < deadline, "no endpoint on " + host + ":" + port + "; stderr:\n"
                    + app.stderrSoFar());
            Thread.sleep(50);
        }
    }

    private static void connect(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
        }
    }

    private static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(int port, String path, String method, String body)
            throws IOException, InterruptedException {
        return HTTP.send(request(port, path).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A listening socket as {@code /proc/net/tcp} writes it: local address and port in hex. */
    private static String listening(String hexAddress, int port) {
        return hexAddress + ":" + String.format(Locale.ROOT, "%04X", port);
    }

    /**
     * The local addresses of the sockets listening on {@code port}, from {@code /proc/net}, IPv4 ones as IPv4 also
     * when the socket is an IPv6 one bound to an IPv4-mapped address ({@code ::ffff:127.0.0.1}, as Java binds).
     */
    private static List<String> listeningSockets(int port) throws IOException {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        Stream<String> lines = Stream.empty();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (Files.isReadable(file)) {
                lines = Stream.concat(lines, Files.readAllLines(file).stream().skip(1));
            }
        }
        return lines.map(String::trim).map(line -> line.split("\\s+"))
                .filter(fields -> fields[1].endsWith(suffix) && fields[3].equals("0A")) // 0A: LISTEN
                .map(fields -> fields[1].replaceFirst("^0000000000000000FFFF0000", "")).toList();
    }
}
