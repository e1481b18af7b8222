package exo.tokenizer.chat.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON that may still be arriving: says whether the value starting at a position is
 * complete (and where it ends), a valid beginning the text so far stops inside, or invalid
 * (and where). Objects also give their members' keys and value spans, which is how a tool
 * call's name and arguments are found before the call is finished.
 */
final class JsonScan {
    enum Status { COMPLETE, PARTIAL, INVALID }

    /** One member of an object: its key (null until the key string is whole) and value span. */
    record Member(String key, int valueStart, int valueEnd, Status valueStatus) {
    }

    /** A scanned value; for an object, its members so far. {@code end} is where it ended, the text ended, or the error is. */
    record Result(Status status, int end, List<Member> members) {
        Member member(String key) {
            for (Member m : members) {
                if (key.equals(m.key())) {
                    return m;
                }
            }
            return null;
        }
    }

    private static final int MAX_DEPTH = 512;

    private final String s;
    private final boolean finished;
    private int pos;
    private Status status;

    private JsonScan(String s, int pos, boolean finished) {
        this.s = s;
        this.pos = pos;
        this.finished = finished;
    }

    /**
     * Scans the value at {@code at}. With {@code finished}, the end of the text also ends a
     * number (and anything else cut short is PARTIAL all the same).
     */
    static Result value(String s, int at, boolean finished) {
        JsonScan scan = new JsonScan(s, at, finished);
        List<Member> members = new ArrayList<>();
        scan.status = Status.COMPLETE;
        if (at < s.length() && s.charAt(at) == '{') {
            scan.object(0, members);
        } else {
            scan.value(0);
        }
        return new Result(scan.status, scan.pos, members);
    }

    static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private boolean atEnd() {
        if (pos >= s.length()) {
            status = Status.PARTIAL;
            return true;
        }
        return false;
    }

    private void fail() {
        status = Status.INVALID;
    }

    private void space() {
        pos = skipSpace(s, pos);
    }

    /** Parses one value; leaves status COMPLETE, PARTIAL (pos = end of text) or INVALID (pos = the bad character). */
    private void value(int depth) {
        if (depth > MAX_DEPTH) {
            fail();
            return;
        }
        if (atEnd()) {
            return;
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> object(depth, null);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    fail();
                }
            }
        }
    }

    private void object(int depth, List<Member> members) {
        if (!open('}')) {
            return;
        }
        do {
            if (atEnd()) {
                return;
            }
            if (s.charAt(pos) != '"') {
                fail();
                return;
            }
            int keyStart = pos;
            string();
            if (status != Status.COMPLETE) {
                return;
            }
            String key = decodeString(s, keyStart, pos);
            space();
            if (atEnd()) {
                return;
            }
            if (s.charAt(pos) != ':') {
                fail();
                return;
            }
            pos++;
            space();
            int valueStart = pos;
            value(depth + 1);
            if (members != null) {
                members.add(new Member(key, valueStart, pos, status));
            }
            if (status != Status.COMPLETE) {
                return;
            }
        } while (another('}'));
    }

    private void array(int depth) {
        if (!open(']')) {
            return;
        }
        do {
            value(depth + 1);
            if (status != Status.COMPLETE) {
                return;
            }
        } while (another(']'));
    }

    /** Past the opening bracket and space: true when an item follows, false when {@code close} or the end of the text came first. */
    private boolean open(char close) {
        pos++;
        space();
        if (atEnd()) {
            return false;
        }
        if (s.charAt(pos) == close) {
            pos++;
            return false;
        }
        return true;
    }

    /**
     * After an item: true when a comma (and the space after it) leads to the next one; false when
     * {@code close} ended the container, the text ended, or the character there is wrong.
     */
    private boolean another(char close) {
        space();
        if (atEnd()) {
            return false;
        }
        char c = s.charAt(pos);
        if (c == close) {
            pos++;
            return false;
        }
        if (c != ',') {
            fail();
            return false;
        }
        pos++;
        space();
        return true;
    }

    private void string() {
        pos++;
        while (true) {
            if (atEnd()) {
                return;
            }
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return;
            }
            if (c < 0x20) {
                fail();
                return;
            }
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    cutShort();
                    return;
                }
                char e = s.charAt(pos + 1);
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (pos + 2 + i >= s.length()) {
                            cutShort();
                            return;
                        }
                        if (Character.digit(s.charAt(pos + 2 + i), 16) < 0) {
                            pos = pos + 2 + i;
                            fail();
                            return;
                        }
                    }
                    pos += 6;
                } else if ("\"\\/bfnrt".indexOf(e) >= 0) {
                    pos += 2;
                } else {
                    pos++;
                    fail();
                    return;
                }
            } else {
                pos++;
            }
        }
    }

    /** The text ends inside an escape. */
    private void cutShort() {
        pos = s.length();
        status = Status.PARTIAL;
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (atEnd()) {
                return;
            }
            if (s.charAt(pos) != word.charAt(i)) {
                fail();
                return;
            }
            pos++;
        }
    }

    private void number() {
        int start = pos;
        if (s.charAt(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        digits();
        if (pos == intStart) {
            numberEnd(false);
            return;
        }
        if (s.charAt(intStart) == '0' && pos - intStart > 1) {
            pos = intStart + 1;
            fail();
            return;
        }
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            int fracStart = pos;
            digits();
            if (pos == fracStart) {
                numberEnd(false);
                return;
            }
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            int expStart = pos;
            digits();
            if (pos == expStart) {
                numberEnd(false);
                return;
            }
        }
        numberEnd(pos > start);
    }

    /** After the longest number-like run: at the end of unfinished text it may go on; else it must be whole. */
    private void numberEnd(boolean whole) {
        if (pos >= s.length()) {
            status = whole && finished ? Status.COMPLETE : Status.PARTIAL;
            return;
        }
        if (!whole) {
            fail();
        }
    }

    private void digits() {
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
    }

    /** The text of a whole JSON string literal {@code s[start, end)} (quotes included), unescaped. */
    static String decodeString(String s, int start, int end) {
        return decode(s, start + 1, end - 1, true);
    }

    /**
     * The unescaped text of the string content {@code s[from, to)} that is still arriving:
     * it stops before an escape cut off at {@code to}, and before the escape of a high surrogate whose low
     * half has not come, so a growing string decodes to a growing prefix of whole characters.
     */
    static String decodePrefix(String s, int from, int to) {
        return decode(s, from, to, false);
    }

    private static String decode(String s, int from, int to, boolean whole) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= to) {
                break;
            }
            char e = s.charAt(i + 1);
            if (e == 'u') {
                if (i + 6 > to) {
                    break;
                }
                char u = (char) Integer.parseInt(s.substring(i + 2, i + 6), 16);
                if (!whole && Character.isHighSurrogate(u) && i + 12 > to) {
                    break;
                }
                out.append(u);
                i += 6;
                continue;
            }
            out.append(switch (e) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                default -> e;
            });
            i += 2;
        }
        return out.toString();
    }
}
