package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Llama 3.1/3.2/3.3: a call is the whole reply, a JSON object
 * {@code {"name": ..., "parameters": {...}}} (optionally {@code "type": "function"} first), as
 * llama.cpp reads it only at the start of the output; several may follow one another,
 * separated by whitespace or ';'. A built-in tool goes after {@code <|python_tag|>}:
 * {@code brave_search.call(query="...")}, whose keyword arguments become a JSON object, or raw
 * code, which becomes a {@code python} call with {@code {"code": ...}}.
 */
final class Llama3Parser implements BodyParser {
    static final String PYTHON_TAG = "<|python_tag|>";
    private static final List<String> NAME = List.of("name");
    private static final List<String> ARGS = List.of("parameters", "arguments");

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        int tag = t.indexOf(PYTHON_TAG, pos);
        int end = tag >= 0 ? tag : t.length();
        int p = JsonScan.skipSpace(t, pos);
        boolean anyCall = false;
        while (p < end && t.charAt(p) == '{') {
            if (!anyCall && !looksLikeCall(t, p, finished)) {
                if (!finished && undecided(t, p)) {
                    return;
                }
                break;
            }
            JsonCalls.Step s = JsonCalls.object(t, p, finished || tag >= 0, out, NAME, ARGS, null);
            switch (s.kind()) {
                case WAIT -> {
                    return;
                }
                case NOT_A_CALL -> {
                    finishContent(t, p, finished, out);
                    return;
                }
                case BROKEN -> {
                    finishContent(t, s.pos(), finished, out);
                    return;
                }
                default -> {
                }
            }
            anyCall = true;
            p = JsonScan.skipSpace(t, s.pos());
            if (p < end && t.charAt(p) == ';') {
                p = JsonScan.skipSpace(t, p + 1);
            }
        }
        if (tag < 0) {
            if (!finished && p >= t.length()) {
                return;
            }
            finishContent(t, anyCall ? p : pos, finished, out);
            return;
        }
        out.content(t, anyCall ? p : pos, tag);
        builtin(t, tag + PYTHON_TAG.length(), finished, out);
    }

    /** Content from {@code from} to the end, but a python tag starts a built-in call. */
    private void finishContent(String t, int from, boolean finished, Snapshot out) {
        int tag = t.indexOf(PYTHON_TAG, from);
        if (tag >= 0) {
            out.content(t, from, tag);
            builtin(t, tag + PYTHON_TAG.length(), finished, out);
            return;
        }
        out.plain(t, from, finished ? t.length() : t.length() - Markers.heldBack(t, from, PYTHON_TAG));
    }

    /** Whether the object at {@code p} starts as a call: its first key is "name" or "type". */
    private static boolean looksLikeCall(String t, int p, boolean finished) {
        JsonScan.Result r = JsonScan.value(t, p, finished);
        return !r.members().isEmpty() && (r.members().getFirst().key().equals("name") || r.members().getFirst().key().equals("type"));
    }

    /** The first key of the object at {@code p} has not arrived whole yet. */
    private static boolean undecided(String t, int p) {
        JsonScan.Result r = JsonScan.value(t, p, false);
        return r.members().isEmpty() && r.status() == JsonScan.Status.PARTIAL;
    }

    private void builtin(String t, int at, boolean finished, Snapshot out) {
        int p = JsonScan.skipSpace(t, at);
        int open = callOpening(t, p);
        if (open > 0) {
            int nameEnd = p;
            while (isWordChar(t.charAt(nameEnd))) {
                nameEnd++;
            }
            keywordCall(t, t.substring(p, nameEnd), open, finished, out);
            return;
        }
        if (open == 0 && !finished) {
            return;
        }
        String code = t.substring(at);
        out.call(null, "python", "{\"code\": " + (finished ? Json.quote(code) + "}" : Json.quoteOpen(code)), finished, finished);
    }

    /**
     * Matches {@code \w+\s*\.\s*call\s*\(} at {@code p}: the index after the '(', 0 when the
     * text ends on a beginning of it, -1 when it cannot match.
     */
    private static int callOpening(String t, int p) {
        int i = p;
        while (i < t.length() && isWordChar(t.charAt(i))) {
            i++;
        }
        if (i == p) {
            return i >= t.length() ? 0 : -1;
        }
        i = JsonScan.skipSpace(t, i);
        if (i >= t.length()) {
            return 0;
        }
        if (t.charAt(i) != '.') {
            return -1;
        }
        i = JsonScan.skipSpace(t, i + 1);
        for (char c : "call".toCharArray()) {
            if (i >= t.length()) {
                return 0;
            }
            if (t.charAt(i++) != c) {
                return -1;
            }
        }
        i = JsonScan.skipSpace(t, i);
        if (i >= t.length()) {
            return 0;
        }
        return t.charAt(i) == '(' ? i + 1 : -1;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** {@code name.call(k1=v1, k2=v2)} with JSON values, as {@code {"k1": v1, "k2": v2}}. */
    private void keywordCall(String t, String name, int at, boolean finished, Snapshot out) {
        StringBuilder args = new StringBuilder("{");
        int p = JsonScan.skipSpace(t, at);
        int count = 0;
        while (true) {
            if (p < t.length() && t.charAt(p) == ')') {
                out.call(null, name, args.append('}').toString(), true, true);
                out.content(t, JsonScan.skipSpace(t, p + 1), t.length());
                return;
            }
            int keyEnd = p;
            while (keyEnd < t.length() && isWordChar(t.charAt(keyEnd))) {
                keyEnd++;
            }
            int eq = JsonScan.skipSpace(t, keyEnd);
            if (eq >= t.length()) {
                out.call(null, name, args.toString(), finished, false);
                return;
            }
            if (keyEnd == p || t.charAt(eq) != '=') {
                out.call(null, name, args.toString(), true, false);
                out.content(t, p, t.length());
                return;
            }
            int v = JsonScan.skipSpace(t, eq + 1);
            JsonScan.Result r = JsonScan.value(t, v, finished);
            args.append(count++ > 0 ? ", " : "").append(Json.quote(t.substring(p, keyEnd))).append(": ");
            if (r.status() != JsonScan.Status.COMPLETE) {
                args.append(t, v, r.end());
                out.call(null, name, args.toString(), finished || r.status() == JsonScan.Status.INVALID, false);
                if (r.status() == JsonScan.Status.INVALID) {
                    out.content(t, r.end(), t.length());
                }
                return;
            }
            args.append(t, v, r.end());
            p = JsonScan.skipSpace(t, r.end());
            if (p < t.length() && t.charAt(p) == ',') {
                p = JsonScan.skipSpace(t, p + 1);
            }
        }
    }
}
