package dev.loomscope.examples.payments;

/**
 * The trace id of a W3C Trace Context {@code traceparent} header
 * (<a href="https://www.w3.org/TR/trace-context/#traceparent-header">the spec</a>):
 * {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}, that is version, trace id, parent id and flags, in
 * lower-case hex. A header that does not follow the format is ignored, as the spec asks of a receiver: the request
 * is then labelled without a trace id rather than with a wrong one.
 */
final class TraceParent {
    /** version(2) - trace id(32) - parent id(16) - flags(2) */
    private static final int LENGTH = 55;

    private TraceParent() {
    }

    /**
     * @param header the {@code traceparent} header's value, or null when the request has none
     * @return its trace id (32 lower-case hex digits), or null when absent or malformed
     */
    static String traceId(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.length() < LENGTH || !hex(value, 0, 2) || value.charAt(2) != '-' || !hex(value, 3, 35)
                || value.charAt(35) != '-' || !hex(value, 36, 52) || value.charAt(52) != '-'
                || !hex(value, 53, 55)) {
            return null;
        }
        String version = value.substring(0, 2);
        if (version.equals("ff")) {
            return null; // forbidden version
        }
        if (version.equals("00") ? value.length() != LENGTH : value.length() > LENGTH && value.charAt(LENGTH) != '-') {
            return null; // version 00 has exactly these fields; a later version may append fields after a '-'
        }
        if (zeros(value, 3, 35) || zeros(value, 36, 52)) {
            return null; // an all-zero trace id or parent id is invalid
        }
        return value.substring(3, 35);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
