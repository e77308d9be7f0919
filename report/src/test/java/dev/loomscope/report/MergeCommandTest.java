package dev.loomscope.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What merge requires of its inputs beyond what every command does: every section. */
class MergeCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int merge(Path... inputs) {
        String[] args = new String[inputs.length + 3];
        args[0] = "merge";
        for (int i = 0; i < inputs.length; i++) {
            args[i + 1] = inputs[i].toString();
        }
        args[inputs.length + 1] = "-o";
        args[inputs.length + 2] = dir.resolve("merged.json").toString();
        return ReportMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path file(String name, ObjectNode dump) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, TestDumps.JSON.writeValueAsBytes(dump));
        return file;
    }

    @Test
    void anEarlierAgentsDumpWithoutASectionIsReadableButNotMerged() throws Exception {
        ObjectNode earlier = TestDumps.dump(2);
        earlier.remove("sites");
        Path a = file("a.json", TestDumps.dump(1));
        Path b = file("b.json", earlier);
        assertEquals(2, merge(a, b));
        assertEquals("loomscope-report: " + b + ": /sites: missing (merge needs every section)"
                + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("merged.json")));
        assertEquals(0, ReportMain.run(new String[]{"diff", a.toString(), b.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())),
                "the same dump is readable by diff");
    }

    @Test
    void aLaterAgentsFieldIsReadPastWithANote() throws Exception {
        ObjectNode later = TestDumps.dump(2);
        ((ObjectNode) later.get("counts")).put("teleports", 3);
        assertEquals(0, merge(file("a.json", TestDumps.dump(1)), file("b.json", later)),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("counts.teleports"),
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.readString(dir.resolve("merged.json")).contains("teleports"));
    }
}
