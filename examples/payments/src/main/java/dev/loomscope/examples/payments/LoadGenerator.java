package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open-loop load for the payment service: {@code java -cp payment-service.jar
 * dev.loomscope.examples.payments.LoadGenerator --port-file=F --rate=100 --duration=30s}.
 *
 * <p>Requests start on a fixed timeline ({@link Schedule}, {@link OpenLoop}), each on a virtual thread of its own, and
 * never wait for earlier responses; latency is measured from each request's intended start, so it is not biased by
 * coordinated omission. A progress line every second (stderr), the histogram at the end (stdout). Only loopback
 * targets are accepted: this is a test tool, bounded in rate (10 000/s), duration (1 h) and requests in flight.
 *
 * <p>The mix: {@code --read-share} of the requests read a recently authorised payment back
 * ({@code GET /payments/{id}}), the others authorise one: a random payer of {@code --payers}; merchant {@code m-0}
 * (a busy marketplace) for {@code --hot-share} of them, else a random one of {@code --merchants}; amounts
 * log-uniform from 5.00 to 2 000.00 (about 12 % of them
 * 1 000.00 or more, where the deep fraud model starts); EUR, USD, GBP, CHF at 60/25/10/5 %. Every request carries
 * a W3C {@code traceparent} of its own, as from a traced client, and {@code --critical-share} of them
 * {@code X-Trace-Priority: high} (the service labels each request's work with its route and trace id for Loomscope,
 * and traces the high-priority ones in full: {@link OperationHandler}).
 */
public final class LoadGenerator {
    static final String USAGE = """
            usage: java -cp payment-service.jar dev.loomscope.examples.payments.LoadGenerator [options]
              --url=http://127.0.0.1:PORT | --port=PORT | --port-file=PATH   the service (loopback only)
              --rate=N            requests per second (default 50, at most 10000)
              --clients=N         closed loop instead: N clients, each sending its next request when its last
                                  response came, for --duration (1 to 1000); measures the maximum throughput
              --duration=D        e.g. 30s, 500ms, 2m (default 30s, at most 1h)
              --read-share=F      share of GET /payments/{id} (default 0.15)
              --hot-share=F       share of authorisations for merchant m-0 (default 0.3)
              --critical-share=F  share of requests sent with X-Trace-Priority: high (default 0.01); every
                                  request carries a W3C traceparent header with a trace id of its own
              --payers=N --merchants=N   (default 1000 and 50, as the service creates them)
              --max-in-flight=N   requests outstanding before new ones are counted as not sent (default 2000)
              --timeout=D         per request (default 10s)
              --seed=N            the request mix (default 1)
              --hgrm=PATH         also write the latency percentile distribution (HdrHistogram .hgrm) there
              --summary=PATH      also write the counts, throughput and percentiles (in ns) there as JSON, for
                                  the benchmark harness
              --warmup=N          GET /health requests before the timeline starts, not measured (default 20)
              --quiet             no progress lines
            """;

    /** Parsed command line. */
    public record Options(URI target, long rate, long durationNanos, double readShare, double hotShare,
                          double criticalShare, int payers, int merchants, int maxInFlight, long timeoutNanos,
                          long seed, Path hgrm, Path summary, int warmup, boolean quiet, int clients) {
        /** A closed loop of {@link #clients} clients rather than the open-loop schedule at {@link #rate}. */
        public boolean closedLoop() {
            return clients > 0;
        }

        public static Options parse(String[] args) throws IOException {
            URI target = null;
            long rate = 50;
            long duration = TimeUnit.SECONDS.toNanos(30);
            double readShare = 0.15;
            double hotShare = 0.3;
            double criticalShare = 0.01;
            int payers = 1000;
            int merchants = 50;
            int maxInFlight = 2000;
            long timeout = TimeUnit.SECONDS.toNanos(10);
            long seed = 1;
            Path hgrm = null;
            Path summary = null;
            int warmup = 20;
            boolean quiet = false;
            int clients = 0;
            for (String arg : args) {
                int eq = arg.indexOf('=');
                String key = eq < 0 ? arg : arg.substring(0, eq);
                String value = eq < 0 ? "" : arg.substring(eq + 1);
                switch (key) {
                    case "--url" -> target = URI.create(value);
                    case "--port" -> target = URI.create("http://127.0.0.1:" + Integer.parseInt(value.trim()));
                    case "--port-file" -> target = URI.create("http://127.0.0.1:"
                            + Integer.parseInt(Files.readString(Path.of(value)).trim()));
                    case "--rate" -> rate = Long.parseLong(value.trim());
                    case "--duration" -> duration = parseDuration(value);
                    case "--read-share" -> readShare = share(key, value);
                    case "--hot-share" -> hotShare = share(key, value);
                    case "--critical-share" -> criticalShare = share(key, value);
                    case "--payers" -> payers = Integer.parseInt(value.trim());
                    case "--merchants" -> merchants = Integer.parseInt(value.trim());
                    case "--max-in-flight" -> maxInFlight = Integer.parseInt(value.trim());
                    case "--timeout" -> timeout = parseDuration(value);
                    case "--seed" -> seed = Long.parseLong(value.trim());
                    case "--hgrm" -> hgrm = Path.of(value);
                    case "--summary" -> summary = Path.of(value);
                    case "--warmup" -> warmup = Integer.parseInt(value.trim());
                    case "--quiet" -> quiet = true;
                    case "--clients" -> clients = Integer.parseInt(value.trim());
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (target == null) {
                target = URI.create("http://127.0.0.1:8080");
            }
            new Schedule(rate, duration); // validates rate and duration
            if (clients < 0 || clients > 1000) {
                throw new IllegalArgumentException("--clients must be from 1 to 1000");
            }
            if (payers < 1 || merchants < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("--payers, --merchants and --max-in-flight must be positive");
            }
            return new Options(requireLoopback(target), rate, duration, readShare, hotShare, criticalShare, payers,
                    merchants, maxInFlight, timeout, seed, hgrm, summary, Math.max(0, Math.min(warmup, 1000)),
                    quiet, clients);
        }

        private static double share(String key, String value) {
            double share = Double.parseDouble(value.trim());
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException(key + " must be from 0 to 1");
            }
            return share;
        }
    }

    /**
     * What a run did.
     *
     * @param elapsedNanos from the start of the timeline to the last response (or the end of the wait for
     *                     stragglers if none came): the time the {@code ok} requests took, for the throughput
     */
    public record Result(long scheduled, long ok, long failed, long notSent, Map<String, Long> failures,
                         Histogram latency, Histogram serviceTime, long elapsedNanos) {
        /**
         * Successful requests per second. Below saturation this is the offered rate (a little less: the last
         * response comes one latency after the last request's start); a service that cannot keep up answers fewer
         * per second and the last responses come late.
         */
        public double throughputPerSecond() {
            return elapsedNanos <= 0 ? 0 : ok * 1e9 / elapsedNanos;
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};
    private static final double[] CURRENCY_SHARES = {0.60, 0.25, 0.10, 0.05};

    private final Options options;
    private final HttpClient http;
    private final Latencies latencies = new Latencies();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder notSent = new LongAdder();
    private final LongAdder highPrioritySent = new LongAdder();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    /** {@link System#nanoTime()} when the latest response (or failure) came; 0 before the first. */
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    /** Ids of recently authorised payments, for the reads. */
    private final AtomicReferenceArray<String> recentIds = new AtomicReferenceArray<>(256);
    private final AtomicLong recentCount = new AtomicLong();

    public LoadGenerator(Options options) {
        this.options = options;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("load: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        Result result = new LoadGenerator(options).run(System.out, options.quiet() ? null : System.err);
        System.exit(result.ok() == 0 ? 1 : 0);
    }

    /**
     * Runs the whole schedule, then waits (up to the request timeout) for the requests still in flight.
     *
     * @param out      the final report
     * @param progress a line per second, or null
     */
    public Result run(PrintStream out, PrintStream progress) throws InterruptedException, IOException {
        Schedule schedule = new Schedule(options.rate(), options.durationNanos());
        warmUp();
        Random mix = new Random(options.seed());
        // Trace ids and priorities from a generator of their own: the request mix is the same as without them.
        Random tracing = new Random(~options.seed());
        long totalSeconds = TimeUnit.NANOSECONDS.toSeconds(options.durationNanos());
        Thread progressThread = null;
        if (progress != null) {
            long progressStart = System.nanoTime();
            progressThread = Thread.ofPlatform().daemon().name("load-progress").start(() -> {
                for (long second = 1; ; second++) {
                    try {
                        OpenLoop.Clock.system().sleepUntil(progressStart + TimeUnit.SECONDS.toNanos(second));
                    } catch (InterruptedException e) {
                        return;
                    }
                    progress.println(progressLine(second, totalSeconds, latencies.sinceLast()));
                }
            });
        }
        long timelineStart = options.closedLoop() ? runClosedLoop()
                : OpenLoop.run(schedule, OpenLoop.Clock.system(), (index, intended) -> send(mix, tracing, intended));
        // Stragglers: the schedule is over, wait for what is still in flight (bounded by the request timeout).
        long deadline = System.nanoTime() + options.timeoutNanos() + TimeUnit.SECONDS.toNanos(1);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (progressThread != null) {
            progressThread.interrupt();
            progressThread.join();
        }
        long unfinished = inFlight.get();
        if (unfinished > 0) {
            failures.computeIfAbsent("unfinished", k -> new LongAdder()).add(unfinished);
            failed.add(unfinished);
        }
        Map<String, Long> failureCounts = new TreeMap<>();
        failures.forEach((k, v) -> failureCounts.put(k, v.sum()));
        long end = lastCompletionNanos.get() != 0 ? lastCompletionNanos.get() : System.nanoTime();
        Result result = new Result(options.closedLoop() ? sent.get() : schedule.count(), ok.sum(), failed.sum(), notSent.sum(), failureCounts,
                latencies.total(), latencies.totalFromSend(), end - timelineStart);
        report(out, result);
        if (options.hgrm() != null) {
            try (PrintStream file = new PrintStream(Files.newOutputStream(options.hgrm()), true, "UTF-8")) {
                result.latency().outputPercentileDistribution(file, 1_000_000.0);
            }
        }
        if (options.summary() != null) {
            Files.writeString(options.summary(), summaryJson(options, result));
        }
        return result;
    }

    /**
     * The run as JSON for programs (the benchmark harness): exact counts and nanoseconds instead of the rounded
     * milliseconds of the report. Latency from the intended start, the value the report leads with.
     */
    static String summaryJson(Options options, Result result) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("rate", options.rate());
        root.put("clients", options.clients());
        root.put("durationNanos", options.durationNanos());
        root.put("scheduled", result.scheduled());
        root.put("ok", result.ok());
        root.put("failed", result.failed());
        root.put("notSent", result.notSent());
        ObjectNode failures = root.putObject("failures");
        result.failures().forEach(failures::put);
        root.put("elapsedNanos", result.elapsedNanos());
        root.put("throughputPerSecond", result.throughputPerSecond());
        // The generator's own CPU, start-up included: it shares the machine with the service, and a reader of a
        // benchmark needs to know how much of it was left to the service.
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            root.put("generatorCpuNanos", os.getProcessCpuTime());
        }
        percentiles(root.putObject("latencyNanos"), result.latency());
        percentiles(root.putObject("serviceTimeNanos"), result.serviceTime());
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static void percentiles(ObjectNode node, Histogram h) {
        node.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return; // no response: no percentiles, rather than zeros that look like a fast service
        }
        node.put("p50", h.getValueAtPercentile(50));
        node.put("p90", h.getValueAtPercentile(90));
        node.put("p99", h.getValueAtPercentile(99));
        node.put("p999", h.getValueAtPercentile(99.9));
        node.put("max", h.getMaxValue());
    }

    /**
     * A few sequential requests before the timeline, so that the generator's own first-request costs (connection
     * set-up, class loading, the JIT) are not measured as the service's latency. Failures are ignored: the run
     * reports them.
     */
    private void warmUp() {
        HttpRequest health = HttpRequest.newBuilder(options.target().resolve("/health"))
                .timeout(Duration.ofNanos(options.timeoutNanos())).GET().build();
        for (int i = 0; i < options.warmup(); i++) {
            try {
                http.send(health, HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Starts one request (called on the scheduler thread at its intended start). */
    private void send(Random mix, Random tracing, long intendedNanos) {
        boolean highPriority = tracing.nextDouble() < options.criticalShare();
        HttpRequest request = traced(nextRequest(mix), tracing, highPriority).build();
        if (inFlight.get() >= options.maxInFlight()) {
            notSent.increment();
            return;
        }
        if (highPriority) {
            highPrioritySent.increment();
        }
        inFlight.incrementAndGet();
        sent.incrementAndGet();
        Thread.ofVirtual().start(() -> exchange(request, intendedNanos));
    }

    /**
     * The closed loop: {@code clients} virtual threads, each sending its next request as soon as its last one is
     * answered, until the duration is over. What it measures is the most the service answers per second with that
     * many requests outstanding; latency is from each request's send (a closed loop waits while the service stalls,
     * so it cannot measure the latency of an offered rate: that is the open loop's).
     *
     * @return the start of the timeline
     */
    private long runClosedLoop() throws InterruptedException {
        long start = System.nanoTime();
        long end = start + options.durationNanos();
        Thread[] clients = new Thread[options.clients()];
        for (int c = 0; c < clients.length; c++) {
            Random mix = new Random(options.seed() + c);
            Random tracing = new Random(~(options.seed() + c));
            clients[c] = Thread.ofVirtual().name("load-client-" + c).start(() -> {
                while (System.nanoTime() < end) {
                    boolean highPriority = tracing.nextDouble() < options.criticalShare();
                    HttpRequest request = traced(nextRequest(mix), tracing, highPriority).build();
                    if (highPriority) {
                        highPrioritySent.increment();
                    }
                    inFlight.incrementAndGet();
                    sent.incrementAndGet();
                    exchange(request, System.nanoTime());
                }
            });
        }
        for (Thread client : clients) {
            client.join();
        }
        return start;
    }

    /** One request and its response, on the calling thread; counted, timed from {@code intendedNanos}. */
    private void exchange(HttpRequest request, long intendedNanos) {
        long sentNanos = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long done = System.nanoTime();
            int status = response.statusCode();
            if (status == 200 || (status == 404 && request.method().equals("GET"))) {
                ok.increment();
                latencies.record(intendedNanos, sentNanos, done);
                if (request.method().equals("POST")) {
                    remember(response.body());
                }
            } else {
                fail("HTTP " + status);
                latencies.record(intendedNanos, sentNanos, done);
            }
        } catch (HttpTimeoutException e) {
            fail("timeout");
            latencies.record(intendedNanos, sentNanos, System.nanoTime()); // at least the timeout
        } catch (IOException e) {
            fail(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            fail("interrupted");
        } finally {
            lastCompletionNanos.accumulateAndGet(System.nanoTime(), Math::max);
            inFlight.decrementAndGet();
        }
    }

    private void fail(String reason) {
        failed.increment();
        failures.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /**
     * What a traced client sends: a W3C {@code traceparent} with a fresh trace id (sampled), and for
     * {@code --critical-share} of the requests {@code X-Trace-Priority: high}.
     */
    private static HttpRequest.Builder traced(HttpRequest.Builder request, Random tracing, boolean highPriority) {
        request.header("traceparent", traceparent(tracing));
        if (highPriority) {
            request.header("X-Trace-Priority", "high");
        }
        return request;
    }

    /** Requests sent with {@code X-Trace-Priority: high}. */
    public long highPrioritySent() {
        return highPrioritySent.sum();
    }

    /** {@code 00-<trace id>-<parent id>-01}: random ids, never all zeros. */
    static String traceparent(Random random) {
        return String.format(Locale.ROOT, "00-%016x%016x-%016x-01", random.nextLong() | 1L, random.nextLong(),
                random.nextLong() | 1L);
    }

    private HttpRequest.Builder nextRequest(Random mix) {
        Duration timeout = Duration.ofNanos(options.timeoutNanos());
        long known = recentCount.get();
        if (known > 0 && mix.nextDouble() < options.readShare()) {
            String id = recentIds.get((int) (mix.nextLong(Math.min(known, recentIds.length()))));
            if (id != null) {
                return HttpRequest.newBuilder(options.target().resolve("/payments/" + id)).timeout(timeout).GET();
            }
        }
        String payer = "acct-" + mix.nextInt(options.payers());
        String merchant = "m-" + (mix.nextDouble() < options.hotShare() ? 0 : mix.nextInt(options.merchants()));
        long amountCents = Math.round(500 * Math.pow(400, mix.nextDouble())); // 5.00 .. 2000.00, log-uniform
        String currency = CURRENCIES[CURRENCIES.length - 1];
        double pick = mix.nextDouble();
        for (int i = 0; i < CURRENCIES.length; i++) {
            if ((pick -= CURRENCY_SHARES[i]) < 0) {
                currency = CURRENCIES[i];
                break;
            }
        }
        String body = "{\"payer\":\"" + payer + "\",\"merchant\":\"" + merchant + "\",\"amountCents\":" + amountCents
                + ",\"currency\":\"" + currency + "\"}";
        return HttpRequest.newBuilder(options.target().resolve("/payments/authorize")).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private void remember(String body) {
        Matcher m = ID.matcher(body);
        if (m.find()) {
            long n = recentCount.getAndIncrement();
            recentIds.set((int) (n % recentIds.length()), m.group(1));
        }
    }

    private String progressLine(long second, long totalSeconds, Histogram lastSecond) {
        String window = lastSecond.getTotalCount() == 0 ? "no responses"
                : String.format(Locale.ROOT, "p50 %s  p99 %s  max %s", ms(lastSecond.getValueAtPercentile(50)),
                ms(lastSecond.getValueAtPercentile(99)), ms(lastSecond.getMaxValue()));
        return String.format(Locale.ROOT, "load [%3d/%d s] sent %d  ok %d  failed %d  in flight %d | last second: %s",
                second, totalSeconds, sent.get(), ok.sum(), failed.sum(), inFlight.get(), window);
    }

    private void report(PrintStream out, Result r) {
        if (options.closedLoop()) {
            out.printf(Locale.ROOT, "load: %d requests from %d clients for %s against %s (closed loop: %.1f"
                            + " requests/s; latency from each request's send)%n", r.scheduled(), options.clients(),
                    seconds(options.durationNanos()), options.target(), r.throughputPerSecond());
        } else {
            out.printf(Locale.ROOT, "load: %d requests at %d/s for %s against %s (open loop: latency from each"
                            + " request's intended start)%n", r.scheduled(), options.rate(),
                    seconds(options.durationNanos()), options.target());
        }
        StringBuilder failures = new StringBuilder();
        r.failures().forEach((k, v) -> failures.append(failures.isEmpty() ? " (" : ", ").append(k).append(": ").append(v));
        out.printf(Locale.ROOT, "  ok %d  failed %d%s  not sent (over %d in flight) %d%n", r.ok(), r.failed(),
                failures.isEmpty() ? "" : failures + ")", options.maxInFlight(), r.notSent());
        out.printf(Locale.ROOT, "  each with a traceparent of its own; %d with X-Trace-Priority: high%n",
                highPrioritySent.sum());
        Histogram h = r.latency();
        if (h.getTotalCount() == 0) {
            out.println("  latency: no responses");
            return;
        }
        out.printf(Locale.ROOT, "  latency       p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        Histogram s = r.serviceTime();
        out.printf(Locale.ROOT, "  service time  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (from the actual send,"
                        + " for comparison)%n", ms(s.getValueAtPercentile(50)), ms(s.getValueAtPercentile(90)),
                ms(s.getValueAtPercentile(99)), ms(s.getValueAtPercentile(99.9)), ms(s.getMaxValue()));
        out.println("  histogram (latency from the intended start):");
        long[] bounds = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000};
        long total = h.getTotalCount();
        long[] counts = new long[bounds.length + 1];
        long previous = 0;
        long max = 0;
        int first = -1;
        int last = -1;
        for (int i = 0; i <= bounds.length; i++) {
            long below = i < bounds.length
                    ? h.getCountBetweenValues(0, h.highestEquivalentValue(TimeUnit.MILLISECONDS.toNanos(bounds[i])))
                    : total;
            counts[i] = below - previous;
            previous = below;
            max = Math.max(max, counts[i]);
            if (counts[i] > 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        for (int i = first; i <= last; i++) {
            String label = i < bounds.length ? String.format(Locale.ROOT, "<= %5d ms", bounds[i])
                    : String.format(Locale.ROOT, " > %5d ms", bounds[bounds.length - 1]);
            out.printf(Locale.ROOT, "    %s %7d %5.1f%% %s%n", label, counts[i], 100.0 * counts[i] / total,
                    "#".repeat((int) Math.round(40.0 * counts[i] / max)));
        }
    }

    static String ms(long nanos) {
        double ms = nanos / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f ms", ms)
                : ms < 1000 ? String.format(Locale.ROOT, "%.1f ms", ms)
                : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static String seconds(long nanos) {
        return nanos % 1_000_000_000L == 0 ? nanos / 1_000_000_000L + " s" : nanos / 1_000_000 + " ms";
    }

    static long parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 30s, 500ms, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> TimeUnit.MILLISECONDS.toNanos(n);
            case "m" -> TimeUnit.MINUTES.toNanos(n);
            case "h" -> TimeUnit.HOURS.toNanos(n);
            default -> TimeUnit.SECONDS.toNanos(n);
        };
    }

    /** This is a test tool: it only loads the machine it runs on. */
    static URI requireLoopback(URI target) throws UnknownHostException {
        if (!"http".equals(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("--url must be http://127.0.0.1:PORT (or localhost)");
        }
        for (InetAddress address : InetAddress.getAllByName(target.getHost())) {
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to load " + target.getHost()
                        + ": the load generator only targets loopback addresses");
            }
        }
        return target;
    }
}
