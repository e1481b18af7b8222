package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Tool calls written as JSON, shared by the families that use JSON: a call object with name
 * and arguments members ({@code {"name": ..., "arguments": {...}}}), an array of them, or an
 * arguments value after a name the markup gave. Each reads at a position and says how it went
 * as a {@link Step}.
 */
final class JsonCalls {
    private JsonCalls() {
    }

    enum Kind {
        /** The text ends inside; nothing after this may be written yet. */
        WAIT,
        /** Not a call after all (nothing was written for it): the caller keeps the markup as content. */
        NOT_A_CALL,
        /** A call was written and ends at {@code pos}. */
        DONE,
        /** A call was written but the JSON broke at {@code pos}: the call is closed, content resumes there. */
        BROKEN
    }

    record Step(Kind kind, int pos) {
        static final Step WAIT = new Step(Kind.WAIT, -1);
        static final Step NOT_A_CALL = new Step(Kind.NOT_A_CALL, -1);
    }

    /**
     * A call object at {@code at}. The call is written once its name is whole and its
     * arguments have begun (and, where the syntax carries an id, the id is whole or the object
     * ended), so the name and id of an emitted call never change.
     */
    static Step object(String t, int at, boolean finished, Snapshot out, List<String> nameKeys, List<String> argKeys,
            String idKey) {
        if (at >= t.length()) {
            return finished ? Step.NOT_A_CALL : Step.WAIT;
        }
        if (t.charAt(at) != '{') {
            return Step.NOT_A_CALL;
        }
        JsonScan.Result r = JsonScan.value(t, at, finished);
        String name = null;
        for (String k : nameKeys) {
            name = name == null ? wholeString(t, r.member(k)) : name;
        }
        JsonScan.Member args = null;
        for (String k : argKeys) {
            args = args == null ? r.member(k) : args;
        }
        String id = idKey == null ? null : wholeString(t, r.member(idKey));
        boolean objectDone = r.status() == JsonScan.Status.COMPLETE;
        if (objectDone && (name == null || args == null)) {
            return Step.NOT_A_CALL;
        }
        String argsText = null;
        if (args != null) {
            if (args.valueStart() >= t.length()) {
                // not begun: it may yet be a string, which is written only whole
                argsText = null;
            } else if (t.charAt(args.valueStart()) == '"') {
                // arguments given as a JSON string of JSON: written whole, unescaped
                if (args.valueStatus() == JsonScan.Status.COMPLETE) {
                    argsText = JsonScan.decodeString(t, args.valueStart(), args.valueEnd());
                }
            } else {
                argsText = t.substring(args.valueStart(), args.valueEnd());
            }
        }
        boolean writable = name != null && argsText != null && (idKey == null || id != null || objectDone);
        switch (r.status()) {
            case COMPLETE -> {
                out.call(id, name, argsText, true, true);
                return new Step(Kind.DONE, r.end());
            }
            case PARTIAL -> {
                if (!writable) {
                    return finished ? Step.NOT_A_CALL : Step.WAIT;
                }
                out.call(id, name, argsText, finished, false);
                return finished ? new Step(Kind.DONE, t.length()) : Step.WAIT;
            }
            default -> {
                if (!writable) {
                    return Step.NOT_A_CALL;
                }
                out.call(id, name, argsText, true, false);
                return new Step(Kind.BROKEN, r.end());
            }
        }
    }

    /** The arguments value at {@code at} of a call whose name (and id) the markup already gave. */
    static Step arguments(String t, int at, boolean finished, Snapshot out, String id, String name) {
        if (at >= t.length()) {
            out.call(id, name, "", finished, false);
            return finished ? new Step(Kind.DONE, t.length()) : Step.WAIT;
        }
        JsonScan.Result r = JsonScan.value(t, at, finished);
        switch (r.status()) {
            case COMPLETE -> {
                out.call(id, name, t.substring(at, r.end()), true, true);
                return new Step(Kind.DONE, r.end());
            }
            case PARTIAL -> {
                out.call(id, name, t.substring(at), finished, false);
                return finished ? new Step(Kind.DONE, t.length()) : Step.WAIT;
            }
            default -> {
                out.call(id, name, t.substring(at, r.end()), true, false);
                return new Step(Kind.BROKEN, r.end());
            }
        }
    }

    /**
     * {@code NAME>} then the arguments value, at {@code at} just after a {@code <function=}
     * marker: NOT_A_CALL when no tool name closes with '>' there (the text cannot be waited for
     * past a newline or 256 characters).
     */
    static Step function(String t, int at, boolean finished, Snapshot out) {
        int gt = t.indexOf('>', at);
        if (gt < 0 && !finished && t.length() - at < 256 && t.indexOf('\n', at) < 0) {
            return Step.WAIT;
        }
        String name = gt < 0 ? null : t.substring(at, gt);
        if (name == null || !ToolNames.isName(name)) {
            return Step.NOT_A_CALL;
        }
        return arguments(t, JsonScan.skipSpace(t, gt + 1), finished, out, null, name);
    }

    /**
     * Where parsing resumes after {@code s}, a call whose markup opened at {@code open} and whose
     * name or JSON begins at {@code after}: past the optional {@code close} once the call is done,
     * where its JSON broke, or at {@code after} (the opening marker kept as content) when it was
     * no call; -1 while the text so far ends inside.
     */
    static int resume(Step s, String t, int open, int after, String close, boolean finished, Snapshot out) {
        return switch (s.kind()) {
            case WAIT -> -1;
            case NOT_A_CALL -> {
                out.content(t, open, after);
                yield after;
            }
            case BROKEN -> s.pos();
            case DONE -> Markers.pastOptional(t, s.pos(), close, finished);
        };
    }

    /**
     * Whether the calls go on after {@code s}, one of a run of calls that the rest of the text
     * belongs to: not when the text ends inside the call, nor when the call broke (the rest of
     * the text is then content).
     */
    static boolean goesOn(Step s, String t, Snapshot out) {
        switch (s.kind()) {
            case WAIT -> {
                return false;
            }
            case BROKEN -> {
                out.content(t, s.pos(), t.length());
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * An array of call objects at {@code at} (the '['). A first element that is no call makes
     * the whole array not a call; a later one ends the calls there.
     */
    static Step array(String t, int at, boolean finished, Snapshot out, List<String> nameKeys, List<String> argKeys,
            String idKey) {
        int q = JsonScan.skipSpace(t, at + 1);
        boolean first = true;
        while (true) {
            if (q >= t.length()) {
                return finished ? (first ? Step.NOT_A_CALL : new Step(Kind.DONE, t.length())) : Step.WAIT;
            }
            if (t.charAt(q) == ']') {
                return first ? Step.NOT_A_CALL : new Step(Kind.DONE, q + 1);
            }
            Step s = object(t, q, finished, out, nameKeys, argKeys, idKey);
            switch (s.kind()) {
                case WAIT, BROKEN -> {
                    return s;
                }
                case NOT_A_CALL -> {
                    return first ? s : new Step(Kind.BROKEN, q);
                }
                default -> {
                }
            }
            first = false;
            q = JsonScan.skipSpace(t, s.pos());
            if (q >= t.length()) {
                return finished ? new Step(Kind.DONE, t.length()) : Step.WAIT;
            }
            char c = t.charAt(q);
            if (c == ',') {
                q = JsonScan.skipSpace(t, q + 1);
            } else if (c == ']') {
                return new Step(Kind.DONE, q + 1);
            } else {
                return new Step(Kind.BROKEN, q);
            }
        }
    }

    /** The value of a member that is a whole JSON string, else null. */
    static String wholeString(String t, JsonScan.Member m) {
        if (m == null || m.valueStatus() != JsonScan.Status.COMPLETE || m.valueStart() >= t.length()
                || t.charAt(m.valueStart()) != '"') {
            return null;
        }
        return JsonScan.decodeString(t, m.valueStart(), m.valueEnd());
    }
}
