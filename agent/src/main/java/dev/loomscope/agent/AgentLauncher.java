package dev.loomscope.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * The agent's entry points, compiled for Java 8 so that any JVM can load them: on a JVM without virtual threads the
 * agent says so in one line and the application runs on. Everything else is in classes compiled for Java 21, reached
 * only after the version check.
 */
public final class AgentLauncher {
    private static final int FIRST_JAVA_WITH_VIRTUAL_THREADS = 21;

    private AgentLauncher() {
    }

    /** {@code -javaagent:loomscope-agent.jar[=options]}. */
    public static void premain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, false);
    }

    /** Late attach through the Attach API. */
    public static void agentmain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, true);
    }

    /**
     * {@code java -jar loomscope-agent.jar dump|attach PID ...}: command-line tools for running JVMs (docs/cli.md).
     * Exit code 0 ok, 1 the target refused or failed, 2 usage error or bad pid.
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("version"))) {
            // answered on any Java: what a user runs first to see which jar they have
            String version = AgentLauncher.class.getPackage().getImplementationVersion();
            System.out.println("loomscope-agent " + (version == null ? "(development build)" : version));
            System.exit(0);
        }
        if (featureVersion() < FIRST_JAVA_WITH_VIRTUAL_THREADS) {
            System.err.println("loomscope: needs Java " + FIRST_JAVA_WITH_VIRTUAL_THREADS + " or later; this is Java "
                    + System.getProperty("java.version"));
            System.exit(2);
        }
        int exitCode;
        try {
            exitCode = (Integer) Class.forName("dev.loomscope.agent.Cli")
                    .getDeclaredMethod("run", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            System.err.println("loomscope: " + e.getCause());
            exitCode = 1;
        } catch (Throwable t) {
            System.err.println("loomscope: " + t);
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    private static void start(String options, Instrumentation instrumentation, boolean lateAttach) {
        int feature = featureVersion();
        if (feature < FIRST_JAVA_WITH_VIRTUAL_THREADS) {
            System.err.println("loomscope: Java " + System.getProperty("java.version")
                    + " has no virtual threads (needs " + FIRST_JAVA_WITH_VIRTUAL_THREADS + "+); agent disabled");
            return;
        }
        try {
            Class.forName("dev.loomscope.agent.LoomscopeAgent")
                    .getMethod("start", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, options, instrumentation, lateAttach);
        } catch (InvocationTargetException e) {
            System.err.println("loomscope: agent disabled: " + e.getCause());
        } catch (Throwable t) {
            System.err.println("loomscope: agent disabled: " + t);
        }
    }

    private static int featureVersion() {
        String spec = System.getProperty("java.specification.version", "0");
        try {
            return spec.startsWith("1.") ? Integer.parseInt(spec.substring(2)) : Integer.parseInt(spec);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
