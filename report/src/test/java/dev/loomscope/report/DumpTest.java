package dev.loomscope.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.validation.DumpValidation;
import dev.loomscope.validation.DumpValidation.Contract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading a dump into the format's records: what an older or a later agent wrote still reads; a wrong type does not. */
class DumpTest {
    @TempDir
    Path dir;

    @Test
    void absentSectionsAreNullAndUnknownFieldsAreReadPast() throws Exception {
        ObjectNode json = TestDumps.dump(42);
        json.remove("sites");
        ((ObjectNode) json.get("counts")).put("teleports", 3);
        json.putObject("gpu").putObject("kernels").put("count", 1);
        Dump dump = TestDumps.write(dir, "later.json", json);
        assertEquals(42, dump.model().jvm().pid());
        assertNull(dump.model().sites(), "an older agent's dump without sites");
        assertEquals(List.of("counts.teleports", "gpu"), dump.unknownFields());
    }

    @Test
    void theTestsDumpsAreValidTheBaseExactlyAsTheWriterWritesIt() {
        assertEquals(Optional.empty(), DumpValidation.check(TestDumps.dump(1), Contract.AS_WRITTEN));
        assertEquals(Optional.empty(), DumpValidation.check(TestDumps.complete(HtmlReportTest.HOSTILE)));
        assertEquals(Optional.empty(), DumpValidation.check(TestDumps.complete(HtmlReportTest.MINIMAL)));
    }

    @Test
    void aFieldOfTheWrongTypeIsRefusedInOneLineNamingIt() {
        ObjectNode json = TestDumps.dump(42);
        ((ObjectNode) json.get("counts")).put("created", "many");
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> TestDumps.write(dir, "wrong.json", json));
        assertEquals(dir.resolve("wrong.json") + ": /counts/created: string found, integer expected", e.getMessage());
    }
}
