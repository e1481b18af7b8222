package exo.tokenizer.chat.tools;

/**
 * Functionary v3.2: the prompt ends in {@code >>>}, and the reply is segments, each a
 * recipient line then its text: {@code all\nTEXT} is content, {@code NAME\n{...}} a call
 * ({@code python\nCODE} raw code for the python tool); further segments begin with
 * {@code >>>}.
 */
final class FunctionaryV32Parser implements BodyParser {
    static final String NEXT = ">>>";
    private static final int MAX_RECIPIENT = 128;

    @Override
    public String markerStarts() {
        return ">";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        int p = pos;
        boolean first = true;
        while (p < t.length() || (first && finished)) {
            if (!first) {
                if (!t.startsWith(NEXT, p)) {
                    if (!finished && Markers.isPrefixOf(t, p, NEXT)) {
                        return;
                    }
                    out.content(t, p, t.length());
                    return;
                }
                p += NEXT.length();
            }
            first = false;
            // a recipient line is short: decided by the first 128 characters alone, so later text cannot undo it
            int nl = t.indexOf('\n', p);
            if (nl < 0 || nl - p > MAX_RECIPIENT) {
                if (!finished && nl < 0 && t.length() - p <= MAX_RECIPIENT) {
                    return;
                }
                out.content(t, p, t.length());
                return;
            }
            String recipient = t.substring(p, nl).strip();
            int body = nl + 1;
            if (recipient.equals("all")) {
                int next = t.indexOf(NEXT, body);
                if (next < 0) {
                    out.plain(t, body, finished ? t.length() : t.length() - Markers.heldBack(t, body, NEXT));
                    return;
                }
                out.content(t, body, next);
                p = next;
                continue;
            }
            if (!ToolNames.isName(recipient)) {
                out.content(t, p, t.length());
                return;
            }
            int b = JsonScan.skipSpace(t, body);
            if (recipient.equals("python") && b >= t.length() && !finished) {
                return;
            }
            if (recipient.equals("python") && (b >= t.length() || t.charAt(b) != '{')) {
                int next = t.indexOf(NEXT, body);
                int end = next >= 0 ? next : finished ? t.length() : t.length() - Markers.heldBack(t, body, NEXT);
                String code = t.substring(body, end);
                boolean closed = next >= 0 || finished;
                out.call(null, "python", "{\"code\": " + (closed ? Json.quote(code) + "}" : Json.quoteOpen(code)), closed, closed);
                if (next < 0) {
                    return;
                }
                p = next;
                continue;
            }
            JsonCalls.Step s = JsonCalls.arguments(t, b, finished, out, null, recipient);
            if (!JsonCalls.goesOn(s, t, out)) {
                return;
            }
            p = JsonScan.skipSpace(t, s.pos());
        }
    }
}
