package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The payment service: {@code java -jar payment-service.jar [options]}. Starts the bank stub (127.0.0.1, ephemeral
 * port), the ledger (H2 in memory, HikariCP) and the HTTP API (Jetty 12, request handlers on virtual threads), then
 * runs until SIGTERM / Ctrl-C.
 *
 * <p>Why Jetty: it is a server people deploy, and Jetty 12 documents virtual threads as a supported mode (its
 * {@link VirtualThreadPool} as the virtual-threads executor of the {@link QueuedThreadPool}): selectors and acceptors
 * stay on a few platform threads, and each request's blocking handler gets a fresh virtual thread. That is the shape
 * Loomscope is for; the JDK's {@code com.sun.net.httpserver} would also work with a virtual-thread-per-task executor,
 * but few services run on it (here it serves the bank stub, on platform threads, out of the recording).
 */
public final class PaymentService implements AutoCloseable {
    static final String USAGE = """
            usage: java -jar payment-service.jar [options]
              --port=N                 HTTP port on 127.0.0.1 (default 8080; 0 = any free port)
              --host=ADDR              address to bind (default 127.0.0.1)
              --port-file=PATH         write the port there once the service answers (for scripts)
              --pathologies=LIST       comma-separated, or none (default: %s):
                                       contention, fraud-hog, pinning, leak, pool-exhaustion
              --contention --fraud-hog --pinning --leak --pool-exhaustion
                                       add one pathology (to the list, or to none if no list is given)
              --healthy                no pathology at all (same as --pathologies=none)
              --pool-size=N            JDBC connections (default 2)
              --bank-delay-ms=MIN-MAX  the bank stub's authorisation latency (default 20-60)
              --fraud-ms=N             CPU time of one deep fraud score: its SHA-256 rounds are calibrated at
                                       start on this machine (default 50)
              --fraud-rounds=N         the rounds themselves instead (no calibration)
              --payers=N --merchants=N accounts created at start (default 1000 and 50)
              --warmup=N               authorisations run before the port opens, for the JIT (default 100)
            """.formatted(Pathology.names(Pathology.DEFAULT));

    /** Parsed command line. */
    record Options(String host, int port, Path portFile, Set<Pathology> pathologies, int poolSize, int bankDelayMin,
                   int bankDelayMax, int fraudMillis, int fraudRounds, int payers, int merchants, int warmup) {
        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = 8080;
            Path portFile = null;
            Set<Pathology> list = null;
            Set<Pathology> added = EnumSet.noneOf(Pathology.class);
            int poolSize = 2;
            int delayMin = 20;
            int delayMax = 60;
            int fraudMillis = 50;
            int rounds = 0;
            int payers = 1000;
            int merchants = 50;
            int warmup = 100;
            for (String arg : args) {
                int eq = arg.indexOf('=');
                String key = eq < 0 ? arg : arg.substring(0, eq);
                String value = eq < 0 ? "" : arg.substring(eq + 1);
                switch (key) {
                    case "--host" -> host = value;
                    case "--port" -> port = integer(key, value, 0, 65535);
                    case "--port-file" -> portFile = Path.of(value);
                    case "--pathologies" -> {
                        try {
                            list = Pathology.parseList(value);
                        } catch (IllegalArgumentException e) {
                            throw new UsageException(e.getMessage());
                        }
                    }
                    case "--healthy" -> list = EnumSet.noneOf(Pathology.class);
                    case "--pool-size" -> poolSize = integer(key, value, 1, 100);
                    case "--bank-delay-ms" -> {
                        String[] range = value.split("-", 2);
                        delayMin = integer(key, range[0], 0, 10_000);
                        delayMax = range.length > 1 ? integer(key, range[1], delayMin, 10_000) : delayMin;
                    }
                    case "--fraud-ms" -> fraudMillis = integer(key, value, 1, 10_000);
                    case "--fraud-rounds" -> rounds = integer(key, value, 1, 100_000_000);
                    case "--payers" -> payers = integer(key, value, 1, 1_000_000);
                    case "--merchants" -> merchants = integer(key, value, 1, 100_000);
                    case "--warmup" -> warmup = integer(key, value, 0, 100_000);
                    case "--help", "-h" -> throw new UsageException(null);
                    default -> {
                        if (key.startsWith("--") && eq < 0) {
                            try {
                                added.add(Pathology.byFlag(key.substring(2)));
                                continue;
                            } catch (IllegalArgumentException e) {
                                // not a pathology flag either
                            }
                        }
                        throw new UsageException("unknown option " + arg);
                    }
                }
            }
            Set<Pathology> pathologies = EnumSet.noneOf(Pathology.class);
            pathologies.addAll(list != null ? list : added.isEmpty() ? Pathology.DEFAULT : Set.of());
            pathologies.addAll(added);
            return new Options(host, port, portFile, pathologies, poolSize, delayMin, delayMax, fraudMillis, rounds,
                    payers,
                    merchants, warmup);
        }

        private static int integer(String key, String value, int min, int max) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new UsageException(key + " wants a whole number from " + min + " to " + max + ", not '" + value + "'");
        }
    }

    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Options options;
    private final ObjectMapper json = new ObjectMapper();
    private final BankStub bankStub;
    private final Ledger ledger;
    private final Notifications notifications;
    private final Payments payments;
    private final PaymentApi api;
    private final Server server;

    private PaymentService(Options options, int fraudRounds) throws Exception {
        this.options = options;
        Set<Pathology> p = options.pathologies();
        this.bankStub = BankStub.start(options.bankDelayMin(), options.bankDelayMax());
        BankClient bank = new BankClient(bankStub.uri(), json);
        this.ledger = new Ledger("ledger", options.poolSize(), options.payers(), options.merchants());
        this.notifications = new Notifications(bank, !p.contains(Pathology.LEAK));
        this.payments = new Payments(ledger, bank, new FraudCheck(p.contains(Pathology.FRAUD_HOG), fraudRounds),
                notifications, p);
        this.api = new PaymentApi(payments, json, this::stats);

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty");
        VirtualThreadPool virtualThreads = new VirtualThreadPool();
        virtualThreads.setName("http");
        threads.setVirtualThreadsExecutor(virtualThreads);
        this.server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);
        // Each request's work is labelled with its route for Loomscope (a no-op without the agent).
        server.setHandler(new OperationHandler(api, PaymentApi::route));
        server.setStopTimeout(2_000);
    }

    /** Starts everything; returns once the API accepts connections. */
    public static PaymentService start(Options options, int fraudRounds) throws Exception {
        PaymentService service = new PaymentService(options, fraudRounds);
        service.warmUp();
        service.server.start();
        return service;
    }

    /**
     * Authorisations before the server opens, as services warm up before taking traffic: the code paths' classes (FFM
     * linker, Jackson, H2, HikariCP, java.net.http) are loaded and initialised here rather than in the first requests'
     * virtual threads, and the JIT has compiled some of them before the first request is timed. They run on 8
     * platform threads (out of the recording, which is of virtual threads); each is a real payment of payer
     * {@code acct-0}, notification included. A failure (pool timeout with pool-exhaustion) is ignored.
     */
    private void warmUp() throws Exception {
        String[] currencies = {"EUR", "USD", "GBP", "CHF"};
        ThreadFactory factory = Thread.ofPlatform().name("warmup-", 0).daemon().factory();
        try (ExecutorService threads = Executors.newFixedThreadPool(8, factory)) {
            for (int i = 0; i < Math.max(1, options.warmup()); i++) {
                long amount = i % 5 == 0 ? FraudCheck.DEEP_FROM_CENTS + i : 1_000 + i;
                Payments.Request r = new Payments.Request("acct-0", "m-" + (1 + i % 3), amount, currencies[i % 4]);
                threads.execute(() -> {
                    try {
                        payments.authorize(r);
                    } catch (Payments.Unavailable e) {
                        // warm-up only
                    }
                });
            }
        }
        payments.find("pay-none");
        // The JSON of a stored payment (GET /payments/{id}): Jackson builds its record serializer on first use.
        Payments.Outcome outcome = payments.authorize(new Payments.Request("acct-0", "m-1", 1_234, "EUR"));
        json.writeValueAsString(json.valueToTree(payments.find(outcome.id()).orElseThrow()));
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    ObjectNode stats() {
        ObjectNode stats = json.createObjectNode();
        stats.put("pathologies", Pathology.names(options.pathologies()));
        stats.put("handlersOnVirtualThreads", api.handlersOnVirtualThreads());
        ObjectNode pay = stats.putObject("payments");
        pay.put("authorized", payments.authorized());
        pay.put("declined", payments.declined());
        pay.put("failed", payments.failed());
        ObjectNode notes = stats.putObject("notifications");
        notes.put("waiting", notifications.waiting());
        notes.put("queued", notifications.queued());
        notes.put("delivered", notifications.delivered());
        notes.put("failed", notifications.failed());
        int[] pool = ledger.poolGauges();
        ObjectNode db = stats.putObject("pool");
        db.put("size", options.poolSize());
        db.put("active", pool[0]);
        db.put("idle", pool[1]);
        db.put("waiting", pool[2]);
        stats.putObject("bank").put("authorizations", bankStub.authorizations()).put("webhooks", bankStub.webhooks());
        return stats;
    }

    String summary() {
        ObjectNode s = stats();
        return String.format(Locale.ROOT, "payments: %d authorized, %d declined, %d failed; notifications: %d delivered,"
                        + " %d queued, %d notifier threads waiting",
                s.path("payments").path("authorized").asLong(), s.path("payments").path("declined").asLong(),
                s.path("payments").path("failed").asLong(), s.path("notifications").path("delivered").asLong(),
                s.path("notifications").path("queued").asLong(), s.path("notifications").path("waiting").asLong());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("payments: stopping the server: " + e);
        }
        notifications.close();
        ledger.close();
        bankStub.close();
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            (e.getMessage() == null ? System.out : System.err).print(
                    (e.getMessage() == null ? "" : "payments: " + e.getMessage() + "\n") + USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Set<Pathology> p = options.pathologies();
        System.out.printf(Locale.ROOT, "payments: pathologies: %s%n", Pathology.names(p));
        int fraudRounds = options.fraudRounds();
        if (p.contains(Pathology.FRAUD_HOG)) {
            if (fraudRounds == 0) {
                fraudRounds = FraudCheck.calibrate(options.fraudMillis());
            }
            System.out.printf(Locale.ROOT, "payments: deep fraud model: %d SHA-256 rounds, about %.0f ms of CPU per"
                    + " payment from %d.00%n", fraudRounds, FraudCheck.measureMillis(fraudRounds),
                    FraudCheck.DEEP_FROM_CENTS / 100);
        }
        if (p.contains(Pathology.PINNING)) {
            System.out.println("payments: pinned path: " + FxSort.pinnedPathDescription());
        }
        PaymentService service = start(options, Math.max(1, fraudRounds));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(service.summary());
            service.close();
            System.out.println("payments: stopped");
        }, "payments-shutdown"));
        System.out.printf(Locale.ROOT, "payments: listening on http://%s:%d (Jetty 12, handlers on virtual threads);"
                        + " bank stub on %s (delay %d-%d ms); ledger: H2 in memory, pool of %d connections%n",
                options.host(), service.port(), service.bankStub.uri(), options.bankDelayMin(), options.bankDelayMax(),
                options.poolSize());
        if (options.portFile() != null) {
            writeAtomically(options.portFile(), service.port() + "\n");
        }
        service.server.join();
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), ".port", ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
