package exo.grammar;

/** GBNF spelling shared by the parser and the printers: rule names, quoting, escapes. */
final class Gbnf {
    private Gbnf() {
    }

    static boolean isNameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    static boolean isRuleName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} as a GBNF string literal. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().forEach(c -> sb.append(escape(c, false)));
        return sb.append('"').toString();
    }

    /** One code point as it may stand inside a GBNF literal, or inside a bracket class when {@code inClass}. */
    static String escape(int c, boolean inClass) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            case '"':
                return "\\\"";
            default:
                break;
        }
        if (inClass && (c == ']' || c == '[' || c == '-' || c == '^')) {
            return c == '-' ? "\\x2D" : c == '^' ? "\\x5E" : "\\" + (char) c;
        }
        if (c < 0x20 || c == 0x7F) {
            return String.format("\\x%02X", c);
        }
        if (Character.getType(c) == Character.SURROGATE || Character.getType(c) == Character.UNASSIGNED
                || Character.getType(c) == Character.FORMAT || Character.isWhitespace(c) && c != ' ') {
            return c <= 0xFFFF ? String.format("\\u%04X", c) : String.format("\\U%08X", c);
        }
        return new String(Character.toChars(c));
    }
}
