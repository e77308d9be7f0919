package dev.loomscope.core;

/**
 * A command for an agent that may already be running, sent as the argument of a late attach
 * ({@code VirtualMachine.loadAgent(jar, argument)}) by {@code java -jar loomscope-agent.jar dump|attach PID}:
 * <pre>
 * command=dump[,id=ID][,file=PATH]
 * command=attach[,id=ID][,options=OPTIONS]
 * </pre>
 * An argument that starts with {@code command=} is a command, anything else is the agent's options
 * ({@link AgentOptions}). {@code file} and {@code options} come last and run to the end of the argument, so a path or
 * the options may contain commas.
 * <p>
 * The Attach API carries nothing back from {@code agentmain}, so the agent answers in a system property of the target
 * named after the request ({@link #resultProperty()}), which the command-line tool reads through the same attach
 * connection. One property per request: commands from several tools at once each find their own answer (with one
 * shared property they overwrote each other's and reported false failures). Answers: {@code ID ok PATH} (the
 * absolute path written, in the target's file system; for {@code attach}, recording started), {@code ID started PATH}
 * (the agent was not running: this command started it, then dumped), {@code ID error MESSAGE}.
 *
 * @param name    the command ({@code dump} or {@code attach})
 * @param id      chosen by the caller to recognise its own answer; may be empty
 * @param file    {@code dump}: where to write (target's file system); null: the target's {@code dump} pattern
 * @param options {@code attach}: the agent options; null for none
 */
public record AgentCommand(String name, String id, String file, String options) {
    public static final String PREFIX = "command=";
    public static final String DUMP = "dump";
    public static final String ATTACH = "attach";
    /** Write the recording's last dump and stop recording. */
    public static final String STOP = "stop";
    public static final String RESULT_PROPERTY = "dev.loomscope.agent.result";
    public static final String OK = "ok";
    public static final String STARTED = "started";
    public static final String ERROR = "error";

    /** True when {@code argument} is a command rather than agent options. */
    public static boolean isCommand(String argument) {
        return argument != null && argument.trim().startsWith(PREFIX);
    }

    public static AgentCommand dump(String id, String file) {
        return new AgentCommand(DUMP, id, file, null);
    }

    public static AgentCommand stop(String id, String file) {
        return new AgentCommand(STOP, id, file, null);
    }

    public static AgentCommand attach(String id, String options) {
        return new AgentCommand(ATTACH, id, null, options);
    }

    /**
     * Parses a command argument ({@link #isCommand} true).
     *
     * @throws IllegalArgumentException with a one-line message on an unknown command or key
     */
    public static AgentCommand parse(String argument) {
        String rest = argument.trim();
        String name = null;
        String id = "";
        String file = null;
        String options = null;
        while (!rest.isEmpty()) {
            int eq = rest.indexOf('=');
            String key = (eq < 0 ? rest : rest.substring(0, eq)).trim();
            if (key.equals("file")) {
                file = rest.substring(eq + 1).trim(); // the rest, commas included
                break;
            }
            if (key.equals("options")) {
                options = rest.substring(eq + 1).trim();
                break;
            }
            int comma = rest.indexOf(',');
            String value = eq < 0 || (comma >= 0 && comma < eq) ? "" : rest.substring(eq + 1, comma < 0 ? rest.length()
                    : comma).trim();
            rest = comma < 0 ? "" : rest.substring(comma + 1);
            switch (key) {
                case "command" -> name = value;
                case "id" -> id = value;
                case "" -> {
                    // empty item between commas
                }
                default -> throw new IllegalArgumentException("unknown key '" + key + "' in command (keys: command, id,"
                        + " file, options)");
            }
        }
        if (!DUMP.equals(name) && !ATTACH.equals(name) && !STOP.equals(name)) {
            throw new IllegalArgumentException("unknown command '" + name + "' (commands: dump, attach, stop)");
        }
        if (file != null && (file.isEmpty() || ATTACH.equals(name))) {
            throw new IllegalArgumentException(file.isEmpty() ? "empty file in command"
                    : "file goes with dump and stop only");
        }
        if (options != null && !ATTACH.equals(name)) {
            throw new IllegalArgumentException("options go with attach only");
        }
        if (!id.matches("[A-Za-z0-9]*")) {
            throw new IllegalArgumentException("bad id '" + id + "' in command (letters and digits)");
        }
        return new AgentCommand(name, id, file, options);
    }

    /** The argument for {@code loadAgent}. */
    public String toArgument() {
        return PREFIX + name + (id.isEmpty() ? "" : ",id=" + id) + (file == null ? "" : ",file=" + file)
                + (options == null ? "" : ",options=" + options);
    }

    /** The system property that carries the answer to this request. */
    public String resultProperty() {
        return id.isEmpty() ? RESULT_PROPERTY : RESULT_PROPERTY + "." + id;
    }

    /** The answer for a success: for {@code dump}, {@code detail} is the absolute path written. */
    public String ok(String detail) {
        return id + " " + OK + " " + detail;
    }

    /** The answer for a dump that had to start the agent first. */
    public String started(String path) {
        return id + " " + STARTED + " " + path;
    }

    /** The answer for a failure; {@code message} on one line. */
    public String error(String message) {
        return id + " " + ERROR + " " + message.replace('\n', ' ').replace('\r', ' ');
    }
}
