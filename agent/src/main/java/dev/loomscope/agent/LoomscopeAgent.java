package dev.loomscope.agent;

import dev.loomscope.core.AgentCommand;
import dev.loomscope.core.DumpTriggers;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.jar.JarFile;

/**
 * Puts the bootstrap recorder on the boot class path, then hands over to {@link Installer}.
 * <p>
 * This class must not mention any {@code dev.loomscope.bootstrap} type: the boot loader has to own those classes
 * before anything resolves them, or the system loader would load a second, unconnected copy (and advice inlined into
 * {@code java.base} would not find any).
 */
public final class LoomscopeAgent {
    private static final String BOOTSTRAP_JAR = "loomscope-bootstrap.jar";
    /** Set once the agent is installed, so a second attach does not weave twice. */
    static final String INSTALLED_PROPERTY = "dev.loomscope.agent.installed";
    /**
     * Below this largest heap the agent does not start: its aggregator and a dump need a few MiB of their own, and an
     * {@code OutOfMemoryError} in an agent thread can end a JVM run with {@code -XX:+ExitOnOutOfMemoryError}. Above it,
     * the rings are sized to the heap ({@code AgentOptions.ringsFittedTo}).
     */
    static final long MIN_HEAP_BYTES = 24L << 20;
    /** How long a command waits for the dump thread (a dump drains the rings and writes a file). */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private LoomscopeAgent() {
    }

    /**
     * Called by {@link AgentLauncher} on Java 21+. An argument starting with {@code command=} is a command for the
     * agent ({@link AgentCommand}, sent by {@code java -jar loomscope-agent.jar dump PID}); anything else is options.
     */
    public static synchronized void start(String options, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        if (AgentCommand.isCommand(options)) {
            command(options, instrumentation, lateAttach);
            return;
        }
        if (System.getProperty(INSTALLED_PROPERTY) != null) {
            System.err.println("loomscope: agent already running in this JVM; options '" + options + "' ignored"
                    + " (for a dump: java -jar loomscope-agent.jar dump " + ProcessHandle.current().pid() + ")");
            return;
        }
        install(options, instrumentation, lateAttach);
    }

    private static boolean install(String options, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        if (!hasVirtualThreads()) {
            System.err.println("loomscope: no java.lang.VirtualThread in Java " + System.getProperty("java.version")
                    + "; agent disabled");
            return false;
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (maxHeap < MIN_HEAP_BYTES) {
            System.err.println("loomscope: the heap (" + maxHeap / (1 << 20) + " MiB) is smaller than the "
                    + MIN_HEAP_BYTES / (1 << 20) + " MiB the agent needs for its tables and dumps; agent disabled");
            return false;
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(extractBootstrapJar().toFile()));
        System.setProperty(INSTALLED_PROPERTY, "true");
        Installer.install(options, instrumentation, lateAttach);
        return true;
    }

    /**
     * Runs a command; the answer goes to the system property {@value AgentCommand#RESULT_PROPERTY}. The agent is
     * installed first (default options) if this JVM does not run it yet: the dump then covers only the moment since.
     */
    private static void command(String argument, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        AgentCommand command;
        try {
            command = AgentCommand.parse(argument);
        } catch (IllegalArgumentException e) {
            System.err.println("loomscope: " + e.getMessage());
            System.setProperty(AgentCommand.RESULT_PROPERTY, new AgentCommand("", "", null).error(e.getMessage()));
            return;
        }
        if (!lateAttach) {
            System.err.println("loomscope: '" + argument + "' is a command for a running agent (java -jar"
                    + " loomscope-agent.jar dump PID), not an option; agent not started");
            return;
        }
        if (System.getProperty(INSTALLED_PROPERTY) == null && !install("", instrumentation, true)) {
            System.setProperty(AgentCommand.RESULT_PROPERTY, command.error("no virtual threads in this JVM"));
            return;
        }
        DumpTriggers triggers = Installer.dumpTriggers();
        DumpTriggers.Result result = triggers == null
                ? DumpTriggers.Result.failed("the agent in this JVM did not finish starting (see its stderr)")
                : triggers.dumpNow(DumpTriggers.ATTACH_DUMP, command.file(), COMMAND_TIMEOUT);
        System.setProperty(AgentCommand.RESULT_PROPERTY,
                result.ok() ? command.ok(result.path().toString()) : command.error(result.error()));
    }

    private static boolean hasVirtualThreads() {
        try {
            Class.forName("java.lang.VirtualThread", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Path extractBootstrapJar() throws IOException {
        Path file = Files.createTempFile("loomscope-bootstrap-", ".jar");
        file.toFile().deleteOnExit();
        try (InputStream in = LoomscopeAgent.class.getResourceAsStream(BOOTSTRAP_JAR)) {
            if (in == null) {
                throw new IOException(BOOTSTRAP_JAR + " missing from the agent jar");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
