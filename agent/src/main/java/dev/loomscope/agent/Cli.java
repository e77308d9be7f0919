package dev.loomscope.agent;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.loomscope.core.AgentCommand;
import dev.loomscope.core.AgentOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * {@code java -jar loomscope-agent.jar COMMAND ...}: the agent's tools for running JVMs, through the Attach API
 * (docs/cli.md). Reached from {@link AgentLauncher#main} once the Java version is known to be 21+. Every failure is
 * one line on stderr and an exit code: {@value #OK} ok, {@value #FAILED} the target refused or failed,
 * {@value #USAGE} usage error or bad pid.
 */
final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: java -jar loomscope-agent.jar dump PID [FILE]       write a dump of JVM PID now (docs/cli.md)
                   java -jar loomscope-agent.jar attach PID [OPTIONS]  start recording in JVM PID (docs/options.md)
                   java -jar loomscope-agent.jar stop PID [FILE]       last dump, then stop recording in JVM PID
                   java -jar loomscope-agent.jar --version             this jar's version
                   java -javaagent:loomscope-agent.jar[=OPTIONS] ...   record from the JVM's start
            COMMAND --help shows a command's arguments. Exit codes: 0 ok, 1 the target refused or failed,
            2 usage error or bad pid.""";

    static final String DUMP_HELP = """
            usage: java -jar loomscope-agent.jar dump PID [FILE]
              Writes a dump of the recording in JVM PID now, through the Attach API (same OS user as the target).
              FILE: where to write it (default: the target's dump= pattern, loomscope-PID-TIME.json in its
              working directory). The target loads the agent first if it was not running it; that dump then
              covers only the moment since.""";

    static final String ATTACH_HELP = """
            usage: java -jar loomscope-agent.jar attach PID [OPTIONS]
              Starts recording in the running JVM PID with OPTIONS (key=value,..., docs/options.md), as
              -javaagent would at its start; the threads already running are counted from their next event.
              duration=30s records for 30 s, then writes the last dump to out= and stops recording
              (like asprof -d or jcmd JFR.start duration=); `stop PID` ends a recording earlier.""";

    static final String STOP_HELP = """
            usage: java -jar loomscope-agent.jar stop PID [FILE]
              Writes the recording's last dump (to FILE, default: the target's out= file) and stops recording in
              JVM PID: every hook returns at once from then on, and the JVM's exit writes no further dump.
              Prints the dump's absolute path.""";

    private final PrintStream out;
    private final PrintStream err;

    private Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Called reflectively by {@link AgentLauncher#main}; returns the exit code. */
    static int run(String[] args) {
        Cli cli = new Cli(System.out, System.err);
        try {
            return cli.dispatch(args);
        } catch (NoClassDefFoundError e) {
            cli.err.println("loomscope: this Java runtime has no Attach API (module jdk.attach); run the command with"
                    + " a JDK's java");
            return FAILED;
        } catch (Throwable t) {
            cli.err.println("loomscope: " + t);
            return FAILED;
        }
    }

    private int dispatch(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            err.println(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        if (args.length == 2 && (args[1].equals("--help") || args[1].equals("-h"))) {
            return help(args[0]);
        }
        switch (args[0]) {
            case "dump" -> {
                if (args.length < 2 || args.length > 3) {
                    return usage("dump takes PID and optionally FILE");
                }
                Long pid = pid(args[1]);
                return pid == null ? USAGE : dump(pid, args.length == 3 ? args[2] : null);
            }
            case "attach" -> {
                if (args.length < 2 || args.length > 3) {
                    return usage("attach takes PID and optionally OPTIONS (key=value,...)");
                }
                Long pid = pid(args[1]);
                return pid == null ? USAGE : attach(pid, args.length == 3 ? args[2] : "");
            }
            case "stop" -> {
                if (args.length < 2 || args.length > 3) {
                    return usage("stop takes PID and optionally FILE");
                }
                Long pid = pid(args[1]);
                return pid == null ? USAGE : stop(pid, args.length == 3 ? args[2] : null);
            }
            default -> {
                return usage("unknown command '" + args[0] + "'");
            }
        }
    }

    private int stop(long pid, String file) throws Exception {
        String absoluteFile = file == null ? null : Path.of(file).toAbsolutePath().normalize().toString();
        String answer = send(pid, AgentCommand.stop(requestId(), absoluteFile));
        if (answer == null) {
            return FAILED;
        }
        out.println(answer.substring(answer.indexOf(' ') + 1));
        return OK;
    }

    private int help(String command) {
        String text = switch (command) {
            case "dump" -> DUMP_HELP;
            case "attach" -> ATTACH_HELP;
            case "stop" -> STOP_HELP;
            default -> null;
        };
        if (text == null) {
            return usage("unknown command '" + command + "'");
        }
        out.println(text);
        return OK;
    }

    private int usage(String problem) {
        err.println("loomscope: " + problem + "; run without arguments for usage");
        return USAGE;
    }

    /** The pid, or null after one line on stderr. */
    private Long pid(String text) {
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            err.println("loomscope: bad pid '" + text + "' (expected a process id, as `jps` lists them)");
            return null;
        }
        if (pid <= 0 || ProcessHandle.of(pid).isEmpty()) {
            err.println("loomscope: no process " + text);
            return null;
        }
        if (pid == ProcessHandle.current().pid()) {
            err.println("loomscope: " + text + " is this tool's own process");
            return null;
        }
        return pid;
    }

    private int dump(long pid, String file) throws Exception {
        String absoluteFile = file == null ? null : Path.of(file).toAbsolutePath().normalize().toString();
        String answer = send(pid, AgentCommand.dump(requestId(), absoluteFile));
        if (answer == null) {
            return FAILED;
        }
        if (answer.startsWith(AgentCommand.STARTED + " ")) {
            out.println("loomscope: " + pid + " was not running the agent: loaded it now. This dump covers only"
                    + " the moment since; the agent keeps recording (dumps on SIGQUIT, exit dump as usual).");
        }
        out.println(answer.substring(answer.indexOf(' ') + 1));
        return OK;
    }

    private int attach(long pid, String options) throws Exception {
        if (AgentCommand.isCommand(options)) {
            return usage("use `dump PID [FILE]` for commands");
        }
        List<String> warnings = new ArrayList<>();
        AgentOptions.parse(options, warnings::add);
        if (!warnings.isEmpty()) {
            warnings.forEach(err::println);
            return USAGE;
        }
        if (send(pid, AgentCommand.attach(requestId(), options)) == null) {
            return FAILED;
        }
        Duration duration = AgentOptions.parse(options, warning -> { }).duration();
        out.println("loomscope: recording in " + pid + " from now on (late attach: earlier transitions are not"
                + " counted)" + (duration.isZero() ? "" : "; for " + AgentOptions.formatDuration(duration.toNanos())
                + ", then its last dump goes to its out= file and the recording stops"));
        return OK;
    }

    /**
     * Delivers {@code command} to JVM {@code pid} and returns its successful answer ({@code ok …} or
     * {@code started …}, without the request id), or null after one line on stderr.
     */
    private String send(long pid, AgentCommand command) throws Exception {
        VirtualMachine vm = connect(pid);
        if (vm == null) {
            return null;
        }
        try {
            if (!supportsVirtualThreads(pid, vm.getSystemProperties()) || !load(vm, pid, command.toArgument())) {
                return null;
            }
            String answer = vm.getSystemProperties().getProperty(command.resultProperty(), "");
            String prefix = command.id() + " ";
            if (!answer.startsWith(prefix)) {
                err.println("loomscope: " + pid + " did not answer the " + command.name() + " command (see its"
                        + " stderr)");
                return null;
            }
            answer = answer.substring(prefix.length());
            if (answer.startsWith(AgentCommand.ERROR + " ")) {
                err.println("loomscope: " + pid + ": " + answer.substring(AgentCommand.ERROR.length() + 1));
                return null;
            }
            return answer;
        } finally {
            vm.detach();
        }
    }

    private VirtualMachine connect(long pid) {
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            err.println("loomscope: cannot attach to " + pid + " (not a JVM, another user's, or started with"
                    + " -XX:+DisableAttachMechanism): " + oneLine(e));
            return null;
        }
    }

    private boolean supportsVirtualThreads(long pid, Properties properties) {
        String spec = properties.getProperty("java.specification.version", "0");
        int feature;
        try {
            feature = spec.startsWith("1.") ? 8 : Integer.parseInt(spec);
        } catch (NumberFormatException e) {
            feature = 0;
        }
        if (feature < 21) {
            err.println("loomscope: " + pid + " runs Java " + properties.getProperty("java.version", spec)
                    + ", which has no virtual threads (needs 21+)");
            return false;
        }
        return true;
    }

    private boolean load(VirtualMachine vm, long pid, String argument) throws URISyntaxException {
        String jar = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        try {
            vm.loadAgent(jar, argument);
            return true;
        } catch (AgentLoadException | AgentInitializationException | IOException e) {
            err.println("loomscope: " + pid + " refused the agent " + jar + ": " + oneLine(e));
            return false;
        }
    }

    private static String requestId() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The message on one printable line: line breaks, NULs and other control characters become spaces (the Attach API
     * quotes the target's command line with its NUL separators, which turned logs binary).
     */
    static String oneLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        StringBuilder line = new StringBuilder(message.length());
        message.codePoints().forEach(c -> line.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return line.toString();
    }
}
