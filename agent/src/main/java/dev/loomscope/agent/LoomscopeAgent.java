package dev.loomscope.agent;

import dev.loomscope.core.AgentCommand;
import dev.loomscope.core.DumpTriggers;

import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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
    /** Set once the agent is installed: for people and tools looking at the JVM's properties, never relied on here. */
    static final String INSTALLED_PROPERTY = "dev.loomscope.agent.installed";
    /**
     * Whether this JVM runs the agent, so that a second attach does not weave twice. A static field of this class,
     * which the system class loader loads once whatever the number of attaches, and not a system property: an
     * application that resets its properties ({@code System.setProperties(null)}) made the next {@code dump} start a
     * second agent, with a second exit dump.
     */
    private static volatile boolean running;
    private static final int ANSWERS_KEPT = 32;
    /** Answer properties in the order they were set; guarded by the class lock ({@link #start}). */
    private static final Deque<String> answered = new ArrayDeque<>();
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
     * agent ({@link AgentCommand}, sent by {@code java -jar loomscope-agent.jar dump|attach PID}); anything else is
     * options.
     */
    public static synchronized void start(String options, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        if (AgentCommand.isCommand(options)) {
            command(options, instrumentation, lateAttach);
            return;
        }
        if (running) {
            System.err.println("loomscope: agent already running in this JVM; options '" + options + "' ignored"
                    + " (for a dump: java -jar loomscope-agent.jar dump " + ProcessHandle.current().pid() + ")");
            return;
        }
        install(options, instrumentation, lateAttach);
    }

    /** Installs the agent; returns null, or why it did not start (also said on stderr). */
    private static String install(String options, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        String refusal = null;
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (!hasVirtualThreads()) {
            refusal = "no java.lang.VirtualThread in Java " + System.getProperty("java.version") + "; agent disabled";
        } else if (maxHeap < MIN_HEAP_BYTES) {
            refusal = "the heap (" + maxHeap / (1 << 20) + " MiB) is smaller than the " + MIN_HEAP_BYTES / (1 << 20)
                    + " MiB the agent needs for its tables and dumps; agent disabled";
        }
        if (refusal != null) {
            System.err.println("loomscope: " + refusal);
            return refusal;
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(BootstrapJar.extract(BOOTSTRAP_JAR).toFile()));
        running = true;
        System.setProperty(INSTALLED_PROPERTY, "true");
        Installer.install(options, instrumentation, lateAttach);
        return null;
    }

    /**
     * Runs a command; the answer goes to the system property {@link AgentCommand#resultProperty()} of the request.
     * {@code dump} installs the agent first (default options) if this JVM does not run it yet: the dump then covers
     * only the moment since.
     */
    private static void command(String argument, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        AgentCommand command;
        try {
            command = AgentCommand.parse(argument);
        } catch (IllegalArgumentException e) {
            System.err.println("loomscope: " + e.getMessage());
            answer(AgentCommand.RESULT_PROPERTY, AgentCommand.dump("", null).error(e.getMessage()));
            return;
        }
        if (!lateAttach) {
            System.err.println("loomscope: '" + argument + "' is a command for a running agent (java -jar"
                    + " loomscope-agent.jar dump PID), not an option; agent not started");
            return;
        }
        if (command.name().equals(AgentCommand.ATTACH)) {
            String refusal = running ? "runs the agent already; options not applied"
                    : install(command.options() == null ? "" : command.options(), instrumentation, true);
            answer(command.resultProperty(), refusal == null ? command.ok("recording") : command.error(refusal));
            return;
        }
        if (command.name().equals(AgentCommand.STOP)) {
            DumpTriggers triggers = running ? Installer.dumpTriggers() : null;
            DumpTriggers.Result result = triggers == null
                    ? DumpTriggers.Result.failed("does not run the agent: nothing to stop")
                    : triggers.stopNow(command.file(), COMMAND_TIMEOUT);
            answer(command.resultProperty(), result.ok() ? command.ok(result.path().toString())
                    : command.error(result.error()));
            return;
        }
        boolean startedNow = false;
        if (!running) {
            String refusal = install("", instrumentation, true);
            if (refusal != null) {
                answer(command.resultProperty(), command.error(refusal));
                return;
            }
            startedNow = true;
        }
        DumpTriggers triggers = Installer.dumpTriggers();
        DumpTriggers.Result result = triggers == null
                ? DumpTriggers.Result.failed("the agent in this JVM did not finish starting (see its stderr)")
                : triggers.dumpNow(DumpTriggers.ATTACH_DUMP, command.file(), COMMAND_TIMEOUT);
        String path = result.ok() ? result.path().toString() : null;
        answer(command.resultProperty(), !result.ok() ? command.error(result.error())
                : startedNow ? command.started(path) : command.ok(path));
    }

    /**
     * Publishes an answer, and forgets the oldest once more than {@value #ANSWERS_KEPT} are kept: each tool reads its
     * answer right after its {@code loadAgent} returns, and a JVM dumped every minute for weeks must not collect
     * properties without end.
     */
    private static void answer(String property, String value) {
        System.setProperty(property, value);
        answered.remove(property);
        answered.addLast(property);
        while (answered.size() > ANSWERS_KEPT) {
            System.clearProperty(answered.removeFirst());
        }
    }

    private static boolean hasVirtualThreads() {
        try {
            Class.forName("java.lang.VirtualThread", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
