package dev.loomscope.examples.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrapes a child JVM's metrics endpoint once a second, as Prometheus does (its {@code Accept} header, so the text
 * format it would get), for as long as the child runs: the load a configuration with the endpoint adds, and how long
 * each scrape took, from the request to the last byte, and held the recording's lock (the endpoint's own
 * {@code loomscope_scrape_lock_held_seconds} of that scrape).
 */
final class Scraper implements AutoCloseable {
    /** Where {@link #choosePort} leaves the port of a run, in its run directory. */
    private static final String PORT_FILE = "metrics.port";
    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** What Prometheus 2.x sends without native histograms: OpenMetrics preferred, then the text format. */
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final Pattern LOCK_HELD = Pattern.compile("^loomscope_scrape_lock_held_seconds\\{[^}]*} (\\S+)",
            Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final HttpRequest request;
    private final Thread thread;
    private final List<Long> scrapeNanos = new ArrayList<>();
    private final List<Long> lockHeldNanos = new ArrayList<>();
    private volatile boolean stopped;
    private int failed;

    private Scraper(int port) {
        request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", PROMETHEUS_ACCEPT).timeout(Duration.ofSeconds(10)).build();
        thread = new Thread(this::scrapeEverySecond, "scraper-" + port);
        thread.setDaemon(true);
    }

    /** A free loopback port for a run's endpoint, remembered in its run directory for {@link #startFor}. */
    static int choosePort(Path runDirectory) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.writeString(runDirectory.resolve(PORT_FILE), Integer.toString(port));
        return port;
    }

    /** Starts scraping the endpoint of the run in {@code runDirectory}; none if the run has no endpoint. */
    static Optional<Scraper> startFor(Path runDirectory) throws IOException {
        Path portFile = runDirectory.resolve(PORT_FILE);
        if (!Files.isRegularFile(portFile)) {
            return Optional.empty();
        }
        Scraper scraper = new Scraper(Integer.parseInt(Files.readString(portFile).trim()));
        scraper.thread.start();
        return Optional.of(scraper);
    }

    private void scrapeEverySecond() {
        long next = System.nanoTime();
        while (!stopped) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                long took = System.nanoTime() - start;
                Matcher lockHeld = LOCK_HELD.matcher(response.body());
                synchronized (this) {
                    if (response.statusCode() == 200 && lockHeld.find()) {
                        scrapeNanos.add(took);
                        lockHeldNanos.add(Math.round(Double.parseDouble(lockHeld.group(1)) * 1e9));
                    } else {
                        failed++;
                    }
                }
            } catch (ConnectException notYet) {
                // the endpoint starts on its own thread, a moment after the JVM
            } catch (IOException e) {
                synchronized (this) {
                    failed++;
                }
            } catch (InterruptedException e) {
                return;
            }
            next += PERIOD_NANOS;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime(); // a scrape longer than the period: the next one starts at once, not a burst
            }
        }
    }

    /** Stops scraping (the child has exited or is being stopped) and returns what was measured. */
    synchronized ScrapeStats stop() {
        stopped = true;
        thread.interrupt();
        return ScrapeStats.of(scrapeNanos, lockHeldNanos, failed);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * What the scrapes of one run measured.
     *
     * @param scrapes        scrapes answered with metrics
     * @param failed         scrapes answered otherwise, or not at all once the endpoint was up
     * @param scrapeNanos    each scrape's time from the request to the last byte of the response, sorted
     * @param lockHeldNanos  how long each held the recording's lock, as the endpoint reported it, sorted
     */
    record ScrapeStats(int scrapes, int failed, long[] scrapeNanos, long[] lockHeldNanos) {
        static ScrapeStats of(List<Long> scrapeNanos, List<Long> lockHeldNanos, int failed) {
            long[] scrapes = scrapeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] lockHeld = lockHeldNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return new ScrapeStats(scrapes.length, failed, scrapes, lockHeld);
        }

        /** All scrapes of several runs together. */
        static ScrapeStats combine(List<ScrapeStats> runs) {
            long[] scrapes = runs.stream().flatMapToLong(r -> Arrays.stream(r.scrapeNanos)).sorted().toArray();
            long[] lockHeld = runs.stream().flatMapToLong(r -> Arrays.stream(r.lockHeldNanos)).sorted().toArray();
            return new ScrapeStats(scrapes.length, runs.stream().mapToInt(ScrapeStats::failed).sum(), scrapes,
                    lockHeld);
        }
    }
}
