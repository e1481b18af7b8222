package exo.grammar;

/**
 * A grammar or schema that cannot be used, with a one-line reason (and position, for text).
 * Line breaks that the offending input brings into the message are shown escaped.
 */
public final class GrammarException extends RuntimeException {
    public GrammarException(String message) {
        super(oneLine(message));
    }

    private static String oneLine(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\u0085', '\u2028', '\u2029', '\u000B', '\u000C' -> sb.append(String.format("\\u%04X", (int) c));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
