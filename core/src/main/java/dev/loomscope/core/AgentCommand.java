package dev.loomscope.core;

/**
 * A command for an agent that may already be running, sent as the argument of a late attach
 * ({@code VirtualMachine.loadAgent(jar, argument)}) by {@code java -jar loomscope-agent.jar dump PID}:
 * <pre>
 * command=dump[,id=ID][,file=PATH]
 * </pre>
 * An argument that starts with {@code command=} is a command, anything else is the agent's options
 * ({@link AgentOptions}). {@code file} comes last and runs to the end of the argument, so a path may contain commas.
 * <p>
 * The Attach API carries nothing back from {@code agentmain}, so the agent answers in the target's system property
 * {@value #RESULT_PROPERTY}, which the command-line tool reads through the same attach connection:
 * {@code ID ok PATH} (the absolute path written, in the target's file system) or {@code ID error MESSAGE}.
 *
 * @param name the command ({@code dump})
 * @param id   chosen by the caller to recognise its own answer; may be empty
 * @param file where to write (target's file system); null: the target's {@code dump} pattern
 */
public record AgentCommand(String name, String id, String file) {
    public static final String PREFIX = "command=";
    public static final String DUMP = "dump";
    public static final String RESULT_PROPERTY = "dev.loomscope.agent.result";

    /** True when {@code argument} is a command rather than agent options. */
    public static boolean isCommand(String argument) {
        return argument != null && argument.trim().startsWith(PREFIX);
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
        while (!rest.isEmpty()) {
            int eq = rest.indexOf('=');
            String key = (eq < 0 ? rest : rest.substring(0, eq)).trim();
            if (key.equals("file")) {
                file = rest.substring(eq + 1).trim(); // the rest, commas included
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
                        + " file)");
            }
        }
        if (!DUMP.equals(name)) {
            throw new IllegalArgumentException("unknown command '" + name + "' (commands: dump)");
        }
        if (file != null && file.isEmpty()) {
            throw new IllegalArgumentException("empty file in command");
        }
        return new AgentCommand(name, id, file);
    }

    /** The argument for {@code loadAgent}. */
    public String toArgument() {
        return PREFIX + name + (id.isEmpty() ? "" : ",id=" + id) + (file == null ? "" : ",file=" + file);
    }

    /** The value of {@value #RESULT_PROPERTY} for a success. */
    public String ok(String path) {
        return id + " ok " + path;
    }

    /** The value of {@value #RESULT_PROPERTY} for a failure; {@code message} on one line. */
    public String error(String message) {
        return id + " error " + message.replace('\n', ' ').replace('\r', ' ');
    }
}
