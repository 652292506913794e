package dev.powrace.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import javafx.css.CssParser;
import javafx.css.Declaration;
import javafx.css.Rule;
import javafx.css.Stylesheet;
import org.junit.jupiter.api.Test;

/**
 * The window's stylesheet comes compiled (powrace.bss, made by the build from assets/powrace.css), so that JavaFX
 * does not parse it while the window starts; the compiled form says what the stylesheet says, rule by rule.
 */
class StylesheetTest {
    @Test
    void theCompiledStylesheetIsBesideTheStylesheetAndSaysTheSame() throws Exception {
        URL css = Resources.class.getResource("powrace.css");
        URL bss = Resources.class.getResource("powrace.bss");
        assertNotNull(css, "powrace.css");
        assertNotNull(bss, "powrace.bss beside it: JavaFX loads it instead of parsing the .css");
        Stylesheet parsed = new CssParser().parse(css);
        Stylesheet compiled = Stylesheet.loadBinary(bss);
        assertNotNull(compiled, "JavaFX reads powrace.bss");
        List<String> want = parsed.getRules().stream().map(StylesheetTest::text).toList();
        List<String> got = compiled.getRules().stream().map(StylesheetTest::text).toList();
        assertTrue(want.size() > 20, "the stylesheet's rules: " + want.size());
        assertEquals(want, got);
    }

    /** A rule's selectors and declarations, each declaration's value as parsed (read, not left for later). */
    private static String text(Rule rule) {
        StringBuilder s = new StringBuilder(rule.getSelectors().toString());
        for (Declaration d : rule.getDeclarations()) {
            s.append('\n').append(d.getProperty()).append(": ").append(d.getParsedValue()).append(d.isImportant() ? " !important" : "");
        }
        return s.toString();
    }
}
