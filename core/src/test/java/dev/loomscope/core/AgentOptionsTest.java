package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest {
    private final List<String> warnings = new ArrayList<>();

    @Test
    void noOptionsMeansDefaultsAndNoWarning() {
        assertEquals(AgentOptions.DEFAULTS, AgentOptions.parse(null, warnings::add));
        assertEquals(AgentOptions.DEFAULTS, AgentOptions.parse("", warnings::add));
        assertEquals(List.of(), warnings);
    }

    @Test
    void everyKeyIsRead() {
        AgentOptions options = AgentOptions.parse("out=/tmp/x-%p.json,rings=4,ringCapacity=2048,recording=off,quiet=true",
                warnings::add);
        assertEquals(new AgentOptions("/tmp/x-%p.json", 4, 2048, false, true), options);
        assertEquals(List.of(), warnings);
    }

    @Test
    void unknownKeyIsOneLineNamingItAndTheRestStillApplies() {
        AgentOptions options = AgentOptions.parse("frobnicate=1,rings=8", warnings::add);
        assertEquals(8, options.rings());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("loomscope: unknown option 'frobnicate'"), warnings.get(0));
    }

    @Test
    void badValuesFallBackToDefaultsWithOneLineEach() {
        AgentOptions options = AgentOptions.parse("rings=3,ringCapacity=abc,recording=maybe,out=", warnings::add);
        assertEquals(AgentOptions.DEFAULTS, options);
        assertEquals(4, warnings.size());
        assertTrue(warnings.get(0).contains("'rings'") && warnings.get(0).contains("using 16"), warnings.get(0));
        assertTrue(warnings.get(1).contains("'ringCapacity'"), warnings.get(1));
        assertTrue(warnings.get(2).contains("'recording'"), warnings.get(2));
        assertTrue(warnings.get(3).contains("'out'"), warnings.get(3));
        assertFalse(warnings.stream().anyMatch(w -> w.contains("\n")));
    }

    @Test
    void dumpPathPatternExpandsPidAndTime() {
        String expanded = RecordingSession.expand("dir/loomscope-%p-%t.json");
        assertTrue(expanded.startsWith("dir/loomscope-" + ProcessHandle.current().pid() + "-"), expanded);
        assertTrue(expanded.matches("dir/loomscope-\\d+-\\d{8}-\\d{6}\\.json"), expanded);
    }
}
