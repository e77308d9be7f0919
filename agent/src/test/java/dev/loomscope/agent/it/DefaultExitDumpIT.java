package dev.loomscope.agent.it;

import dev.loomscope.agent.it.workloads.CountingApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exit dump at the default path is written only by JVMs in which virtual threads ran, so that a build that starts
 * every JVM with the agent (`java -version`, tools, plugins) does not leave a file in each working directory; an
 * {@code out} the user chose is always written.
 */
class DefaultExitDumpIT {
    @TempDir
    Path dir;

    @Test
    void aJvmWithoutVirtualThreadsLeavesNoFileAndSaysSoInOneLine() throws Exception {
        AgentJvm.Result result = AgentJvm.withAgent("").directory(dir).run(CountingApp.class, "0", "0");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), dumpsIn(dir));
        assertEquals(List.of("loomscope: no virtual thread ran: no exit dump (out=FILE writes one always)"),
                result.agentLines(), result::toString);
    }

    @Test
    void aJvmWithVirtualThreadsWritesItsExitDumpAtTheDefaultPathAndNamesIt() throws Exception {
        AgentJvm.Result result = AgentJvm.withAgent("").directory(dir).run(CountingApp.class, "10", "0");
        assertEquals(0, result.exitCode(), result::toString);
        List<Path> dumps = dumpsIn(dir);
        assertEquals(1, dumps.size(), dumps::toString);
        assertTrue(dumps.get(0).getFileName().toString().matches("loomscope-\\d+\\.json"), dumps::toString);
        assertEquals(10, AgentJvm.readJson(dumps.get(0)).at("/counts/created").asLong());
        assertTrue(result.agentLines().contains("loomscope: wrote " + dumps.get(0).toRealPath() + " (exit)"),
                result::toString);
    }

    @Test
    void anOutTheUserChoseIsWrittenEvenWithoutVirtualThreads() throws Exception {
        Path out = dir.resolve("chosen.json");
        AgentJvm.Result result = AgentJvm.withAgent("out=" + out).directory(dir).run(CountingApp.class, "0", "0");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(0, AgentJvm.readJson(out).at("/counts/created").asLong());
    }

    private static List<Path> dumpsIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("loomscope-")).sorted().toList();
        }
    }
}
