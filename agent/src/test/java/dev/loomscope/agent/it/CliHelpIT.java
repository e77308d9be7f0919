package dev.loomscope.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user types first: {@code --version}, and {@code --help} after any command. */
class CliHelpIT {
    private static final String VERSION = System.getProperty("loomscope.version");

    @Test
    void versionNamesTheJarsVersion(@TempDir Path dir) throws Exception {
        AgentCli cli = AgentCli.run(dir, "--version").expect(0);
        assertEquals("loomscope-agent " + VERSION, cli.stdout().trim(), cli::toString);
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageNotAnErrorAboutThePid(@TempDir Path dir) throws Exception {
        for (String command : new String[]{"dump", "attach", "stop"}) {
            for (String help : new String[]{"--help", "-h"}) {
                AgentCli cli = AgentCli.run(dir, command, help).expect(0);
                assertTrue(cli.stdout().startsWith("usage: java -jar loomscope-agent.jar " + command + " PID"),
                        cli::toString);
                assertEquals("", cli.stderr(), cli::toString);
            }
        }
        AgentCli usage = AgentCli.run(dir, "--help").expect(0);
        assertTrue(usage.stderr().contains("COMMAND --help"), usage::toString);
    }
}
