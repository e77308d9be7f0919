package dev.loomscope.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.loomscope.core.AgentOptions;
import dev.loomscope.core.MetricsReading;
import dev.loomscope.core.RecordingSession;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The HTTP endpoint of the {@code metrics} option ({@code docs/fleet.md}): {@code GET /metrics} for Prometheus (text,
 * OpenMetrics, or protobuf with native histograms, chosen by the scraper's {@code Accept} header: the Prometheus client
 * library's own scrape handler), {@code GET /loomscope.json} for the current dump. Read-only: {@code GET} and
 * {@code HEAD} only (any other method is answered 405), and nothing it serves writes a file or triggers anything.
 * <p>
 * It must never harm the JVM it serves: it starts on a daemon thread of its own (the JDK's HTTP server gives its
 * dispatcher thread the daemon status of the thread that starts it, so a server started from {@code premain}'s thread
 * would keep the JVM alive after {@code main} returns), every thread it creates is a daemon, and a failure to start
 * (address in use, unknown host) is one line on stderr, after which recording goes on without the endpoint. A scrape
 * reads the recording as a dump does, and holds the recording's lock only to copy the drain's state
 * ({@link MetricsReading}); requests are served by at most {@value #HANDLER_THREADS} threads, so scrapers arriving
 * together wait for each other instead of for the drain.
 */
public final class MetricsEndpoint {
    static final String METRICS_PATH = "/metrics";
    static final String JSON_PATH = "/loomscope.json";
    /** {@code recording.trigger} of a dump served at {@link #JSON_PATH}. */
    static final String JSON_TRIGGER = "http";
    private static final int HANDLER_THREADS = 2;
    /** Requests accepted while both handler threads are busy; more are closed at once. */
    private static final int QUEUED_REQUESTS = 16;
    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * For the endpoint's threads: an error the code did not expect (an {@code OutOfMemoryError} while answering) ends
     * that request, never with a stack trace on the application's stderr.
     */
    private static final Thread.UncaughtExceptionHandler SILENT = (thread, error) -> { };

    private MetricsEndpoint() {
    }

    /**
     * Starts the endpoint on a daemon thread and returns at once; a problem is one line on stderr. Never throws.
     *
     * @param service the {@code service} label
     */
    public static void start(AgentOptions.MetricsAddress address, String service, RecordingSession session) {
        start(address, service, session, 0);
    }

    /**
     * Starts the endpoint (see {@link #start(AgentOptions.MetricsAddress, String, RecordingSession)}).
     *
     * @param operations how many of the application's operations get histograms of their own
     *                   ({@code metricsOperations})
     */
    public static void start(AgentOptions.MetricsAddress address, String service, RecordingSession session,
                             int operations) {
        try {
            Thread starter = new Thread(() -> serve(address, service, session, operations),
                    "loomscope-metrics-start");
            starter.setDaemon(true);
            starter.setUncaughtExceptionHandler(SILENT);
            starter.start();
        } catch (RuntimeException | Error e) {
            System.err.println("loomscope: cannot start the metrics endpoint (" + e
                    + "); recording goes on without it");
        }
    }

    /** Binds and starts the server; on the starter thread, a daemon, whose status the server's dispatcher inherits. */
    static HttpServer serve(AgentOptions.MetricsAddress address, String service, RecordingSession session) {
        return serve(address, service, session, 0);
    }

    static HttpServer serve(AgentOptions.MetricsAddress address, String service, RecordingSession session,
                            int operations) {
        try {
            RecordingCollector collector = new RecordingCollector(() -> MetricsReading.read(session), service,
                    ProcessHandle.current().pid(), operations);
            HttpServer server = bind(address, collector, () -> session.snapshotJson(JSON_TRIGGER));
            if (!address.host().equals(AgentOptions.MetricsAddress.LOOPBACK)) {
                System.err.println("loomscope: metrics endpoint listening on " + address + announcement(server));
            }
            return server;
        } catch (BindException e) {
            System.err.println("loomscope: cannot serve metrics on " + address + " (" + e.getMessage()
                    + "); recording goes on without the metrics endpoint");
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: a runtime without the jdk.httpserver module (jlink, --limit-modules)
            System.err.println("loomscope: cannot serve metrics on " + address + " (" + e
                    + "); recording goes on without the metrics endpoint");
        }
        return null;
    }

    /** What a non-default address means, for the start-up line. */
    private static String announcement(HttpServer server) {
        InetAddress bound = server.getAddress().getAddress();
        if (bound.isAnyLocalAddress()) {
            return " (every interface: anyone who can reach this host can read the metrics and the dump)";
        }
        return bound.isLoopbackAddress() ? " (loopback)" : " (" + bound.getHostAddress()
                + ": anyone who can reach that address can read the metrics and the dump)";
    }

    /** The JSON of the current dump, UTF-8. */
    @FunctionalInterface
    interface JsonSource {
        byte[] json() throws IOException;
    }

    /** Binds the server to {@code address} and starts it (on the calling thread: see {@link #serve}). */
    static HttpServer bind(AgentOptions.MetricsAddress address, RecordingCollector collector, JsonSource json)
            throws IOException {
        InetSocketAddress socketAddress = new InetSocketAddress(InetAddress.getByName(address.host()),
                address.port());
        HttpServer server = HttpServer.create(socketAddress, 0);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        // Built here, not read from prometheus.properties or the environment as the library's default would: the
        // application's own Prometheus configuration is not the agent's.
        HttpHandler metrics = new MetricsHandler(PrometheusProperties.builder().build(), registry);
        server.createContext("/", exchange -> route(exchange, metrics, json));
        ThreadPoolExecutor executor = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS), runnable -> {
                    Thread thread = new Thread(runnable, "loomscope-metrics-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    thread.setUncaughtExceptionHandler(SILENT);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true); // no idle threads between scrapes a minute apart
        server.setExecutor(executor);
        server.start();
        return server;
    }

    private static void route(HttpExchange exchange, HttpHandler metrics, JsonSource json) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(METRICS_PATH) && !path.equals(JSON_PATH)) {
                text(exchange, 404, "not found: " + METRICS_PATH + " (Prometheus) and " + JSON_PATH
                        + " (the current dump) are served here\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                text(exchange, 405, method + " not allowed: this endpoint is read-only (GET, HEAD)\n");
                return;
            }
            if (path.equals(METRICS_PATH)) {
                metrics.handle(exchange);
            } else {
                dump(exchange, json);
            }
        } catch (IOException | RuntimeException | Error e) {
            // the scraper went away, the recording could not be read in time, or worse: one failed request, nothing
            // for the application to see (the JDK's server would rethrow an Error into the thread's uncaught handler)
        }
    }

    private static void dump(HttpExchange exchange, JsonSource json) throws IOException {
        byte[] body;
        try {
            body = json.json();
        } catch (IOException | RuntimeException e) {
            text(exchange, 503, "the recording could not be read: " + e.getMessage() + "\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        String acceptEncoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        boolean gzip = acceptEncoding != null && acceptEncoding.contains("gzip");
        if (gzip) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, gzip ? 0 : body.length);
        try (OutputStream out = gzip ? new GZIPOutputStream(exchange.getResponseBody())
                : exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
