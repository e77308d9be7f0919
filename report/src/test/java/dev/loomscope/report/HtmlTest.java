package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Markup is escaped by default: only a renderer's own pattern and markup built from patterns stay markup. */
class HtmlTest {
    @Test
    void everyValueIsEscapedUnlessItIsMarkup() {
        Html frame = Html.of("<li>{}</li>", "app.Init.<clinit>(Init.java:7)");
        assertEquals("<li>app.Init.&lt;clinit&gt;(Init.java:7)</li>", frame.toString());
        assertEquals("<ol><li>app.Init.&lt;clinit&gt;(Init.java:7)</li> 3 &lt;b&gt;</ol>",
                Html.of("<ol>{} {} {}</ol>", frame, 3, "<b>").toString());
        assertEquals("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
                Html.text("\"><img src=x onerror=alert(1)>").toString());
    }

    @Test
    void joinEscapesTheSeparatorAndKeepsTheParts() {
        List<Html> parts = List.of(Html.of("<code>{}</code>", "a"), Html.of("<code>{}</code>", "b<"));
        assertEquals("<code>a</code> &amp; <code>b&lt;</code>", Html.join(" & ", parts).toString());
        assertEquals("", Html.join(", ", List.of()).toString());
    }

    @Test
    void aPatternTakesExactlyOneValuePerHole() {
        assertThrows(IllegalArgumentException.class, () -> Html.of("<td>{}</td>"));
        assertThrows(IllegalArgumentException.class, () -> Html.of("<td>{}</td>", 1, 2));
        assertEquals("<td>1</td><td>2</td>", Html.empty().add("<td>{}</td>", 1).add("<td>{}</td>", 2).toString());
    }
}
