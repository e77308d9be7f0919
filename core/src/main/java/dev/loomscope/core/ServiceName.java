package dev.loomscope.core;

/**
 * The {@code service} label of the metrics when the {@code service} option does not give one: what the JVM was
 * started with, its jar's file name without {@code .jar} ({@code java -jar /srv/payments-api.jar} →
 * {@code payments-api}) or its main class ({@code java -cp … com.example.Payments} → {@code com.example.Payments}),
 * as the JVM itself records it in {@code sun.java.command}.
 */
public final class ServiceName {
    /** Longest name the option accepts: a label value, not a description. */
    public static final int MAX_LENGTH = 128;
    /** When the JVM does not say how it was started (an embedded JVM, a launcher that does not set the property). */
    static final String UNKNOWN = "java";

    private ServiceName() {
    }

    /** The name of this JVM's service, from {@code sun.java.command}. */
    public static String ofThisJvm() {
        return fromCommand(System.getProperty("sun.java.command"));
    }

    /**
     * The service name in a {@code sun.java.command} value: its first word, the main class or jar, with a jar's
     * directories and extension left out and a module's name ({@code module/class}) left out.
     */
    static String fromCommand(String command) {
        if (command == null || command.isBlank()) {
            return UNKNOWN;
        }
        String first = command.strip().split("\\s+", 2)[0];
        String name;
        if (first.endsWith(".jar")) {
            int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
            name = first.substring(slash + 1, first.length() - ".jar".length());
        } else {
            name = first.substring(first.indexOf('/') + 1); // -m module/class
        }
        return isValid(name) ? name : UNKNOWN;
    }

    /** 1 to {@value #MAX_LENGTH} printable ASCII characters, no comma (the options' separator) and no space. */
    static boolean isValid(String name) {
        return !name.isEmpty() && name.length() <= MAX_LENGTH
                && name.chars().allMatch(c -> c > ' ' && c < 127 && c != ',');
    }
}
