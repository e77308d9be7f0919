package dev.loomscope.examples.payments;

import dev.loomscope.api.Loomscope;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;
import java.util.function.BinaryOperator;

/**
 * Labels each request's work for Loomscope: wraps the application's handler in
 * {@code Loomscope.operation(route, traceId)}, so that a dump taken with the agent has the scheduling latencies of
 * each route apart ({@code POST /payments/authorize}, {@code GET /payments/{id}}), and exemplars that name the
 * request's trace.
 *
 * <ul>
 *   <li>The operation is the route: method and path <em>template</em>, from the application's own routing
 *       ({@link PaymentApi#route}), never the raw path: {@code /payments/pay-1234} is {@code GET /payments/{id}}, so the
 *       names stay few whatever the clients send.</li>
 *   <li>The trace id comes from a W3C {@code traceparent} header when the request has exactly one well-formed one
 *       ({@link TraceParent}); otherwise the operation has none.</li>
 *   <li>{@code X-Trace-Priority: high} also opens {@link Loomscope#critical()} for the request: every event of its
 *       thread has its stack sampled (within the agent's per-second cap), for a request someone asked to see in
 *       full.</li>
 * </ul>
 *
 * <p>A blocking handler (its invocation type is the wrapped handler's), so with Jetty's virtual-threads executor each
 * request runs here on a virtual thread of its own, and the scopes opened here are closed on it before
 * {@code handle} returns. Virtual threads the request starts inherit the operation (the notifier of a payment runs
 * under {@code POST /payments/authorize}). Without the agent every scope is a no-op.
 */
final class OperationHandler extends Handler.Wrapper {
    static final String TRACEPARENT = "traceparent";
    static final String TRACE_PRIORITY = "X-Trace-Priority";

    private final BinaryOperator<String> route;

    /**
     * @param handler the application
     * @param route   (method, path in context) to the operation's name, from a bounded set
     */
    OperationHandler(Handler handler, BinaryOperator<String> route) {
        super(handler);
        this.route = route;
        // Loads TraceParent now, on the thread that builds the server: first loaded by the first requests, their
        // virtual threads would queue for the class loader's lock while pinned (pinned blocks of our own making).
        TraceParent.traceId(null);
    }

    @Override
    @SuppressWarnings("try") // the scopes are only opened and closed: try-with-resources is the point
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields headers = request.getHeaders();
        String operation = route.apply(request.getMethod(), Request.getPathInContext(request));
        try (var op = Loomscope.operation(operation, traceId(headers.getValuesList(TRACEPARENT)))) {
            if (critical(headers.get(TRACE_PRIORITY))) {
                try (var c = Loomscope.critical()) {
                    return super.handle(request, response, callback);
                }
            }
            return super.handle(request, response, callback);
        }
    }

    /** The trace id of the one {@code traceparent} header; none for several (the spec leaves them undefined). */
    static String traceId(List<String> traceparents) {
        return traceparents.size() == 1 ? TraceParent.traceId(traceparents.get(0)) : null;
    }

    /** {@code X-Trace-Priority: high}, in any case. */
    static boolean critical(String priority) {
        return priority != null && priority.strip().equalsIgnoreCase("high");
    }
}
