package exo.serve.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;

/**
 * The server's log: one line per request and a line for each thing the server does, as text
 * ("exo: POST /v1/completions 200 42 ms") or as one JSON object per line for log collectors.
 * What a client sent (its path, its method) is escaped, so it can neither end a line nor
 * write control characters into the log.
 */
public final class AccessLog {
    /** How lines are written. */
    public enum Format { TEXT, JSON }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintWriter out;
    private final Format format;

    public AccessLog(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    /** One finished request. */
    public void request(String method, String path, int status, long nanos, String remote) {
        double ms = nanos / 1e6;
        String line;
        if (format == Format.TEXT) {
            line = String.format(Locale.ROOT, "exo: %s %s %d %.0f ms", escape(method), escape(path), status, ms);
        } else {
            ObjectNode o = JSON.createObjectNode().put("time", Instant.now().toString()).put("level", "info")
                    .put("method", method).put("path", path).put("status", status)
                    .put("ms", Math.round(ms * 10) / 10.0).put("remote", remote);
            line = o.toString();
        }
        write(line);
    }

    /** A line about the server itself ("serving ... at http://..."). */
    public void info(String message) {
        write(format == Format.TEXT ? "exo: " + message : JSON.createObjectNode().put("time", Instant.now().toString())
                .put("level", "info").put("msg", message).toString());
    }

    /** A line about something that went wrong in the server (not the client's doing). */
    public void error(String message) {
        write(format == Format.TEXT ? "exo: error: " + message : JSON.createObjectNode()
                .put("time", Instant.now().toString()).put("level", "error").put("msg", message).toString());
    }

    private void write(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * {@code s} with every character that is not printable ASCII, and the backslash itself,
     * written as \xNN (or \\uNNNN): one token on one line whatever the client sent.
     */
    public static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c > 0x20 && c < 0x7f && c != '\\';
            if (plain) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (c < 0x100) {
                b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}
