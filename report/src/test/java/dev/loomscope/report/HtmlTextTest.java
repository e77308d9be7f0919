package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

class HtmlTextTest {
    @Test
    void framesWithAngleBracketsAreEscapedForHtml() {
        assertEquals("a.B.&lt;clinit&gt;(B.java:3)", HtmlText.escape("a.B.<clinit>(B.java:3)"));
        assertEquals("&amp;&lt;&gt;&quot;&#39;", HtmlText.escape("&<>\"'"));
        assertEquals("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
                HtmlText.escape("</script><script>alert(1)</script>"));
    }

    @Test
    void plainTextIsReturnedAsItIs() {
        String text = "dev.loomscope.Foo.lambda$main$0(Foo.java:12) µs – ✓";
        assertSame(text, HtmlText.escape(text));
        assertEquals("", HtmlText.escape(null));
    }

    @Test
    void charactersHtmlDoesNotAllowBecomeTheReplacementCharacter() {
        assertEquals("a\uFFFDb\uFFFDc", HtmlText.escape("a\u0000b\u0007c"));
        assertEquals("tab\tnewline\n", HtmlText.escape("tab\tnewline\n"));
        assertEquals("lone \uFFFD", HtmlText.escape("lone \uD800"));
        assertEquals("pair \uD83D\uDE00", HtmlText.escape("pair \uD83D\uDE00"));
    }

    @Test
    void jsonInAScriptElementCannotCloseItNorOpenAComment() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String hostile = "</script><script>alert(1)</script><!-- & \u2028";
        String json = mapper.writeValueAsString(mapper.createObjectNode().put("name", hostile));
        String safe = HtmlText.scriptJson(json);
        assertFalse(safe.contains("<"), safe);
        assertFalse(safe.contains(">"), safe);
        assertFalse(safe.contains("&"), safe);
        assertFalse(safe.contains("\u2028"), safe);
        JsonNode back = mapper.readTree(safe);
        assertEquals(hostile, back.get("name").asText(), "the escapes mean the same characters");
    }
}
