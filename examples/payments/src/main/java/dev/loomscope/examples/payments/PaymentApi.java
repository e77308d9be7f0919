package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The JSON API, as one Jetty 12 core handler. It is a <em>blocking</em> handler (the default invocation type of
 * {@link Handler.Abstract}): with a virtual-threads executor configured on the server's thread pool, Jetty runs each
 * request on a virtual thread of its own, and the code below reads, calls and writes in plain blocking style.
 *
 * <pre>
 * POST /payments/authorize  {"payer":"acct-1","merchant":"m-0","amountCents":1250,"currency":"EUR"}
 *                           → 200 {"id":"pay-…","status":"AUTHORIZED","authCode":"A0000001","fraudScore":5}
 *                             (400 bad request, 503 ledger busy, 502 bank unavailable)
 * GET  /payments/{id}       → 200 the stored payment, 404 unknown
 * GET  /health              → 200 {"status":"up",…}
 * GET  /stats               → 200 counters (payments, notifications, connection pool)
 * </pre>
 */
public final class PaymentApi extends Handler.Abstract {
    static final String AUTHORIZE = "POST /payments/authorize";
    static final String FIND = "GET /payments/{id}";
    static final String HEALTH = "GET /health";
    static final String STATS = "GET /stats";
    private static final String PAYMENTS = "/payments/";
    private final Payments payments;
    private final ObjectMapper json;
    private final Supplier<ObjectNode> stats;
    private volatile boolean sawPlatformHandlerThread;
    private volatile boolean sawVirtualHandlerThread;

    public PaymentApi(Payments payments, ObjectMapper json, Supplier<ObjectNode> stats) {
        this.payments = payments;
        this.json = json;
        this.stats = stats;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (Thread.currentThread().isVirtual()) {
            sawVirtualHandlerThread = true;
        } else {
            sawPlatformHandlerThread = true;
        }
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            return switch (route(method, path)) {
                case AUTHORIZE -> authorize(request, response, callback);
                case FIND -> find(path.substring(PAYMENTS.length()), response, callback);
                case HEALTH -> send(response, callback, HttpStatus.OK_200, json.createObjectNode().put("status", "up"));
                case STATS -> send(response, callback, HttpStatus.OK_200, stats.get());
                default -> path.equals("/payments/authorize")
                        ? error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use POST")
                        : error(response, callback, HttpStatus.NOT_FOUND_404,
                                "no such resource: " + method + " " + path);
            };
        } catch (Payments.Unavailable e) {
            return error(response, callback, e.httpStatus(), e.getMessage());
        }
    }

    /**
     * The route of a request: method and path template, the name of its Loomscope operation ({@link
     * OperationHandler}) and what {@link #handle} dispatches on. A request that matches no route is named by its
     * method alone, as OpenTelemetry names such a server span ({@code HTTP} for a method outside HTTP's own): the
     * names are few whatever the clients send.
     */
    static String route(String method, String path) {
        if (path.equals("/payments/authorize")) {
            return method.equals("POST") ? AUTHORIZE : unmatched(method); // 405
        }
        if (path.startsWith(PAYMENTS) && path.length() > PAYMENTS.length() && method.equals("GET")) {
            return FIND;
        }
        if (path.equals("/health") && method.equals("GET")) {
            return HEALTH;
        }
        if (path.equals("/stats") && method.equals("GET")) {
            return STATS;
        }
        return unmatched(method);
    }

    private static String unmatched(String method) {
        return switch (method) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" -> method;
            default -> "HTTP";
        };
    }

    private boolean authorize(Request request, Response response, Callback callback)
            throws IOException, Payments.Unavailable {
        Payments.Request r;
        try {
            JsonNode body = json.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
            r = new Payments.Request(body.path("payer").asText(null), body.path("merchant").asText(null),
                    body.path("amountCents").asLong(0), body.path("currency").asText("EUR"));
        } catch (IllegalArgumentException | IOException e) {
            return error(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
        }
        Payments.Outcome outcome = payments.authorize(r);
        ObjectNode body = json.createObjectNode()
                .put("id", outcome.id())
                .put("status", outcome.status())
                .put("authCode", outcome.authCode())
                .put("fraudScore", outcome.fraudScore());
        return send(response, callback, HttpStatus.OK_200, body);
    }

    private boolean find(String id, Response response, Callback callback) throws IOException, Payments.Unavailable {
        Optional<Ledger.Stored> stored = payments.find(id);
        if (stored.isEmpty()) {
            return error(response, callback, HttpStatus.NOT_FOUND_404, "no payment " + id);
        }
        return send(response, callback, HttpStatus.OK_200, json.valueToTree(stored.get()));
    }

    /** True once a request ran on a virtual thread (and never on a platform thread): for /stats and the tests. */
    public boolean handlersOnVirtualThreads() {
        return sawVirtualHandlerThread && !sawPlatformHandlerThread;
    }

    private boolean error(Response response, Callback callback, int status, String message) throws IOException {
        return send(response, callback, status, json.createObjectNode().put("error", message));
    }

    private boolean send(Response response, Callback callback, int status, JsonNode body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, json.writeValueAsString(body), callback);
        return true;
    }
}
