package dev.loomscope.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomscope.validation.DumpValidation.Contract;
import dev.loomscope.validation.DumpValidation.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real dump (sleepers.json: the agent's Scheduling workload "sleepers" on one carrier, written by the agent of
 * loomscope/1 as it was when readers began to validate) passes; one field changed makes it fail, and the problem
 * names that field. A dump that was readable stays readable: this file is never regenerated.
 */
class DumpValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode realDump() throws IOException {
        try (InputStream in = DumpValidationTest.class.getResourceAsStream("sleepers.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    /** The real dump with the field at {@code pointer} set to {@code json} (parsed, so {@code 1e400} stays a number). */
    static ObjectNode with(String pointer, String json) throws IOException {
        ObjectNode dump = realDump();
        JsonNode parent = dump.at(pointer.substring(0, pointer.lastIndexOf('/')));
        String last = pointer.substring(pointer.lastIndexOf('/') + 1);
        JsonNode value = JSON.readTree(json);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
        return dump;
    }

    @Test
    void theRealDumpMeetsEveryContract() throws IOException {
        for (Contract contract : Contract.values()) {
            assertEquals(Optional.empty(), DumpValidation.check(realDump(), contract), contract.name());
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            /counts/created                      | `"many"`        | /counts/created                      | string found, integer expected
            /jvm/pid                             | `"42"`          | /jvm/pid                             | string found, integer expected
            /recording                           | null            | /recording                           | null found, object expected
            /sites/block                         | {}              | /sites/block                         | object found, array expected
            /leaks/clusters                      | `"none"`        | /leaks/clusters                      | string found, array expected
            /carriers/perCarrier                 | null            | /carriers/perCarrier                 | null found, array expected
            /heatmaps/activity/mount/0/cells     | `"x"`           | /heatmaps/activity/mount/0/cells     | string found, array expected
            /heatmaps/activity/mount/0/cells/0   | [1]             | /heatmaps/activity/mount/0/cells/0   | at least 2 items
            /heatmaps/activity/mount/0/cells/0   | `["1", 2]`      | /heatmaps/activity/mount/0/cells/0/0 | string found, integer expected
            /heatmaps/activity/mount/0/cells/0   | [1, 0]          | /heatmaps/activity/mount/0/cells/0/1 | minimum value of 1
            /heatmaps/activity/mount/0/tier      | 7               | /heatmaps/activity/mount/0/tier      | enumeration
            /heatmaps/activity/mount/0/endEpochMs| 5               | /heatmaps/activity/mount/0/endEpochMs| not allowed here
            /heatmaps/windowMs                   | `"1000"`        | /heatmaps/windowMs                   | string found, integer expected
            /heatmaps/windowMs                   | 0               | /heatmaps/windowMs                   | minimum value of 10
            /latencies/wakeToRun/hdr             | 42              | /latencies/wakeToRun/hdr             | integer found, string expected
            /latencies/wakeToRun/hdr             | `"not base64!"` | /latencies/wakeToRun/hdr             | regex pattern
            /latencies/wakeToRun/hdr             | `"QUJD"`        | /latencies/wakeToRun/hdr             | not a valid HdrHistogram
            /latencies/blockedByKind/sleep/hdr   | `"SElTVEZBQUFBQ1h4bkpOcFlR"` | /latencies/blockedByKind/sleep/hdr | not a valid HdrHistogram
            /counts/created                      | 1e400           | /counts/created                      | number out of range
            /counts/created                      | -1e400          | /counts/created                      | number out of range
            /counts/created                      | 99999999999999999999 | /counts/created                 | number out of range
            /counts/created                      | 1.5             | /counts/created                      | number found, integer expected
            /counts/created                      | -1              | /counts/created                      | minimum value of 0
            /counts/blocksByKind                 | {}              | /counts/blocksByKind/park            | missing
            /recording/trigger                   | `"cron"`        | /recording/trigger                   | enumeration
            /agent/options/interval              | 5               | /agent/options/interval              | off
            """)
    void oneWrongFieldIsNamed(String pointer, String json, String expectedPointer, String expectedWhat)
            throws IOException {
        Problem problem = DumpValidation.check(with(pointer, json)).orElseThrow();
        assertEquals(expectedPointer, problem.pointer(), problem.toString());
        assertTrue(problem.what().contains(expectedWhat), problem.toString());
    }

    @Test
    void aNumberBeyond64BitsIsRefusedEvenInAFieldThisVersionDoesNotKnow() throws IOException {
        ObjectNode dump = realDump();
        ((ObjectNode) dump.get("counts")).set("teleports", JSON.readTree("1e400"));
        assertEquals("/counts/teleports: number out of range (beyond 64 bits)",
                DumpValidation.check(dump).orElseThrow().toString());
    }

    @Test
    void fieldsOfALaterAgentAreReadPastButNotWrittenByMerge() throws IOException {
        ObjectNode dump = realDump();
        ((ObjectNode) dump.get("counts")).put("teleports", 3);
        dump.putObject("gpu").put("kernels", 1);
        assertEquals(Optional.empty(), DumpValidation.check(dump, Contract.READABLE));
        assertEquals(Optional.empty(), DumpValidation.check(dump, Contract.COMPLETE));
        assertEquals(Optional.of("/counts"), DumpValidation.check(dump, Contract.AS_WRITTEN).map(Problem::pointer));
    }

    @Test
    void anEarlierAgentsDumpWithoutSomeSectionsIsReadableButNotComplete() throws IOException {
        ObjectNode dump = realDump();
        dump.remove("sites");
        dump.remove("context");
        ((ObjectNode) dump.at("/agent/options")).remove("threadSample");
        assertEquals(Optional.empty(), DumpValidation.check(dump));
        assertEquals("/sites: missing", DumpValidation.check(dump, Contract.COMPLETE).orElseThrow().toString());
    }

    @Test
    void everyDumpHasJvmCountsAndLatencies() throws IOException {
        for (String section : new String[]{"jvm", "counts", "latencies"}) {
            ObjectNode dump = realDump();
            dump.remove(section);
            assertEquals("/" + section + ": missing", DumpValidation.check(dump).orElseThrow().toString());
        }
    }

    @Test
    void anotherToolsJsonOrALaterSchemaIsRefusedAsSuch() throws IOException {
        assertEquals("not a Loomscope dump (no JSON object)",
                DumpValidation.check(JSON.readTree("[1, 2]")).orElseThrow().toString());
        assertEquals("not a Loomscope dump (no \"schema\" field)",
                DumpValidation.check(JSON.readTree("{\"traceEvents\": []}")).orElseThrow().toString());
        assertEquals("not a Loomscope dump (schema \"otel/1\")",
                DumpValidation.check(JSON.readTree("{\"schema\": \"otel/1\"}")).orElseThrow().toString());
        assertTrue(DumpValidation.check(with("/schema", "\"loomscope/2\"")).orElseThrow().what()
                .startsWith("schema \"loomscope/2\" is not supported by this version"));
    }

    @Test
    void aFieldNameWithASlashIsEscapedInThePointer() throws IOException {
        ObjectNode dump = realDump();
        ((ObjectNode) dump.get("counts")).set("a/b~c", JSON.readTree("1e999"));
        assertEquals("/counts/a~1b~0c", DumpValidation.check(dump).orElseThrow().pointer());
    }
}
