package exo.peer;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Checks shared by the message records; the limits are those of the wire (u16-length strings). */
final class Fields {
    /** Strings travel as u16 length + UTF-8. */
    static final int MAX_STRING_BYTES = 65_535;
    /** Free text (reasons, error messages) is cut here rather than refused: a failure must still be sendable. */
    static final int MAX_TEXT_CHARS = 4_000;

    private Fields() {
    }

    static String name(String value, String what, int maxChars) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.length() > maxChars) {
            throw new IllegalArgumentException(what + " '" + value + "' must be 1-" + maxChars + " characters, not blank");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters");
            }
        }
        return value;
    }

    static String sessionId(String value) {
        return name(value, "session id", 128);
    }

    static String nodeId(String value) {
        Objects.requireNonNull(value, "node id");
        if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("node id '" + value + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return value;
    }

    static String text(String value, String what) {
        Objects.requireNonNull(value, what);
        String cut = value.length() > MAX_TEXT_CHARS ? value.substring(0, MAX_TEXT_CHARS - 3) + "..." : value;
        if (cut.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is too long for the wire");
        }
        return cut;
    }

    static void nonNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " " + value + " is negative");
        }
    }
}
