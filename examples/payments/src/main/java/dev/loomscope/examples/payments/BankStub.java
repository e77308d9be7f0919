package dev.loomscope.examples.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The card network's side, stubbed: a small HTTP server on 127.0.0.1 (an ephemeral port) that the service calls over
 * real sockets. It is not the system under test, so it runs on <em>platform</em> threads of its own (Loomscope records
 * virtual threads only: the stub stays out of the dump), and its latency is a plain sleep standing in for the network
 * and the issuer.
 *
 * <ul>
 *   <li>{@code POST /authorize}: approves after {@code delayMinMs}..{@code delayMaxMs} (uniform), answers an auth code;</li>
 *   <li>{@code GET /fx?ccy=USD&day=2025-01-31}: a historical rate to EUR after about a millisecond;</li>
 *   <li>{@code POST /settlement}: the treasury takes a settlement balance, 204 after 1-3 ms;</li>
 *   <li>{@code POST /webhooks}: a merchant's webhook endpoint, answers 204 at once.</li>
 * </ul>
 */
public final class BankStub implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final int delayMinMs;
    private final int delayMaxMs;
    private final AtomicLong authorizations = new AtomicLong();
    private final AtomicLong webhooks = new AtomicLong();

    private BankStub(HttpServer server, ExecutorService threads, int delayMinMs, int delayMaxMs) {
        this.server = server;
        this.threads = threads;
        this.delayMinMs = delayMinMs;
        this.delayMaxMs = delayMaxMs;
    }

    /** Starts the stub on 127.0.0.1 and an ephemeral port. */
    public static BankStub start(int delayMinMs, int delayMaxMs) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "bank-stub-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        BankStub stub = new BankStub(server, threads, delayMinMs, delayMaxMs);
        server.createContext("/authorize", stub::authorize);
        server.createContext("/fx", stub::fx);
        server.createContext("/settlement", stub::settlement);
        server.createContext("/webhooks", stub::webhook);
        server.setExecutor(threads);
        server.start();
        return stub;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public long authorizations() {
        return authorizations.get();
    }

    public long webhooks() {
        return webhooks.get();
    }

    private void authorize(HttpExchange exchange) throws IOException {
        try (exchange) {
            drain(exchange.getRequestBody());
            sleepMillis(ThreadLocalRandom.current().nextInt(delayMinMs, delayMaxMs + 1));
            long n = authorizations.incrementAndGet();
            respond(exchange, 200, "{\"approved\":true,\"authCode\":\"A" + String.format(Locale.ROOT, "%07d", n) + "\"}");
        }
    }

    private void fx(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            String ccy = "EUR";
            String day = "";
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("ccy=")) {
                    ccy = pair.substring(4);
                } else if (pair.startsWith("day=")) {
                    day = pair.substring(4);
                }
            }
            sleepMillis(1);
            // Deterministic per (currency, day): a base rate moved by up to +-2 % by the day.
            double base = switch (ccy) {
                case "USD" -> 0.92;
                case "GBP" -> 1.17;
                case "CHF" -> 1.04;
                default -> 1.0;
            };
            double rate = ccy.equals("EUR") ? 1.0 : base * (1 + ((day.hashCode() & 0xff) - 128) / 6400.0);
            respond(exchange, 200, "{\"ccy\":\"" + ccy + "\",\"day\":\"" + day + "\",\"eur\":" + rate + "}");
        }
    }

    private void settlement(HttpExchange exchange) throws IOException {
        try (exchange) {
            drain(exchange.getRequestBody());
            sleepMillis(ThreadLocalRandom.current().nextInt(1, 4));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private void webhook(HttpExchange exchange) throws IOException {
        try (exchange) {
            drain(exchange.getRequestBody());
            webhooks.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static void sleepMillis(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
