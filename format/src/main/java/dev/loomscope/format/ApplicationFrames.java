package dev.loomscope.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which frames of a stack are the application's: the rule every reader uses to name a site or a long slice by the
 * code its user wrote rather than by the JDK's scheduler, timer or lock frames that sit innermost in most stacks
 * ({@code LockSupport.unpark}, {@code Thread.run}, {@code DelayScheduler...compute}).
 * <p>
 * A frame is the application's unless its class is in
 * <ul>
 *     <li>the JDK: {@code java.*}, {@code javax.*}, {@code jdk.*}, {@code sun.*}, {@code com.sun.*};</li>
 *     <li>a test framework or runner: {@code org.junit.*}, {@code junit.*}, {@code org.apache.maven.surefire.*};</li>
 *     <li>Loomscope's own code that runs in the recorded JVM: {@code dev.loomscope.bootstrap}, {@code .core},
 *     {@code .agent}, {@code .format}, {@code .junit} and their subpackages (relocated copies included). Loomscope's
 *     examples ({@code dev.loomscope.examples}) are applications.</li>
 * </ul>
 * Frames are the dump's strings, {@code class.method(File.java:line)}, innermost first; a string that is not a frame
 * (the overflow site's {@code (other sites: ...)}) is not the application's.
 */
public final class ApplicationFrames {
    private static final List<String> JDK = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");
    private static final List<String> TEST_RUNNERS = List.of("org.junit.", "junit.", "org.apache.maven.surefire.");
    private static final String LOOMSCOPE = "dev.loomscope.";
    /**
     * Loomscope's packages that run in the recorded JVM, by the segment after {@link #LOOMSCOPE}. Kept apart from the
     * prefix on purpose: a literal {@code "dev.loomscope.format."} would be rewritten by the shade plugin's
     * relocation in the jars that relocate the format.
     */
    private static final Set<String> LOOMSCOPE_OWN = Set.of("bootstrap", "core", "agent", "format", "junit");

    private ApplicationFrames() {
    }

    /** Whether {@code frame} is the application's (see the class comment). */
    public static boolean isApplication(String frame) {
        int call = frame.indexOf('(');
        int method = frame.lastIndexOf('.', call < 0 ? frame.length() : call);
        if (call <= 0 || method <= 0) {
            return false; // not a frame
        }
        for (List<String> prefixes : List.of(JDK, TEST_RUNNERS)) {
            for (String prefix : prefixes) {
                if (frame.startsWith(prefix)) {
                    return false;
                }
            }
        }
        if (frame.startsWith(LOOMSCOPE)) {
            int end = frame.indexOf('.', LOOMSCOPE.length());
            return end < 0 || end > method || !LOOMSCOPE_OWN.contains(frame.substring(LOOMSCOPE.length(), end));
        }
        return true;
    }

    /**
     * Whether {@code frame} is the JDK's ({@code java.*}, {@code javax.*}, {@code jdk.*}, {@code sun.*},
     * {@code com.sun.*}): of a stack of these only, the JDK itself did what was sampled (a timer, the I/O poller).
     */
    public static boolean isJdk(String frame) {
        if (frame.indexOf('(') <= 0) {
            return false; // not a frame
        }
        for (String prefix : JDK) {
            if (frame.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The innermost application frame of {@code frames} and up to {@code callers} application frames that called it,
     * innermost first (the JDK's frames between them left out); empty when every frame is the JDK's or Loomscope's.
     */
    public static List<String> innermost(List<String> frames, int callers) {
        List<String> own = new ArrayList<>();
        if (frames == null) {
            return own;
        }
        for (String frame : frames) {
            if (isApplication(frame)) {
                own.add(frame);
                if (own.size() > callers) {
                    break;
                }
            }
        }
        return own;
    }

    /**
     * {@link #innermost} as one line, {@code Checkout.pay(Checkout.java:42) <- Server.handle(Server.java:97)}; null
     * when the stack has no application frame.
     */
    public static String headline(List<String> frames, int callers) {
        List<String> own = innermost(frames, callers);
        return own.isEmpty() ? null : String.join(" <- ", own);
    }
}
