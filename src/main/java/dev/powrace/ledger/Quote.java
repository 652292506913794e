package dev.powrace.ledger;

/**
 * Quotes text from outside (a transaction, a node name, a znode name) for a terminal or a window: in double quotes, with quotes, backslashes, control characters and
 * invisible formatting characters (such as bidi overrides) escaped, so that no input can move the cursor,
 * recolour the screen, or pass for another line.
 */
public final class Quote {
    private Quote() {}

    public static String of(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (visible(cp)) {
                        b.appendCodePoint(cp);
                    } else if (cp < 0x100) {
                        b.append(String.format("\\x%02x", cp));
                    } else {
                        b.append(String.format("\\u{%x}", cp));
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    private static boolean visible(int cp) {
        if (cp == 0x200D) {
            return true; // the zero-width joiner that builds emoji sequences
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.UNASSIGNED, Character.SURROGATE, Character.PRIVATE_USE:
                return false;
            default:
                return true;
        }
    }
}
