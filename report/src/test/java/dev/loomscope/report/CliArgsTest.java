package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliArgsTest {
    private static final Set<String> VALUES = Set.of("--budget", "-o");
    private static final Set<String> FLAGS = Set.of("--forbid-leaks");

    @Test
    void valuesFlagsAndPositionals() throws Exception {
        CliArgs cli = CliArgs.parse("x", new String[]{"a.json", "--budget", "w.p99=1ms", "--budget=b.p50=2ms",
                "--forbid-leaks", "-o", "out.json", "--", "--odd.json"}, VALUES, FLAGS);
        assertEquals(List.of("w.p99=1ms", "b.p50=2ms"), cli.values("--budget"));
        assertEquals("b.p50=2ms", cli.value("--budget", null));
        assertEquals("out.json", cli.value("-o", null));
        assertTrue(cli.flag("--forbid-leaks"));
        assertEquals(List.of("a.json", "--odd.json"), cli.positional());
        assertFalse(cli.help());
        assertTrue(CliArgs.parse("x", new String[]{"a.json", "-h"}, VALUES, FLAGS).help());
    }

    @Test
    void mistakesAreOneLineUsageErrors() {
        String[][] bad = {{"--nope"}, {"--budget"}, {"--forbid-leaks=yes"}};
        for (String[] args : bad) {
            UnusableInputException e = assertThrows(UnusableInputException.class,
                    () -> CliArgs.parse("check", args, VALUES, FLAGS));
            assertTrue(e.getMessage().startsWith("check: ") && e.getMessage().endsWith("(see 'check --help')"),
                    e.getMessage());
        }
    }
}
