package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MarkdownTableTest {

    @Test
    void padsAlignsAndEscapes() {
        String table = new MarkdownTable("check", ">value").row("a|b", "1 ms").row("longer name", "10 ms").render();
        assertEquals("""
                | check       | value |
                |-------------|------:|
                | a\\|b        |  1 ms |
                | longer name | 10 ms |
                """, table);
        assertThrows(IllegalArgumentException.class, () -> new MarkdownTable("a", "b").row("only one"));
    }
}
