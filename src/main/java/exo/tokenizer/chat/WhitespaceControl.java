package exo.tokenizer.chat;

/**
 * Applies Jinja's whitespace control to a template's text before Jinjava parses it. A minus at
 * a tag's edge ({@code {{-}, {@code -}}}, {@code {%-}, {@code -%}}, {@code {#-}, {@code -#}})
 * removes every whitespace character (newlines too) between the tag and the text beside it.
 * Jinjava honours it for block tags but not for expressions, and chat templates write almost
 * every output as {@code {{- ...}}}; so the whitespace goes here, the minus signs with it, and
 * Jinjava sees a template whose remaining whitespace is meant (trim_blocks and lstrip_blocks
 * still apply to it as jinja2 applies them).
 *
 * <p>Tags are found as jinja2's lexer finds them: strings inside a tag may hold "}}" or "%}",
 * and the text of a {@code raw} block is left as it is.
 */
final class WhitespaceControl {
    private WhitespaceControl() {
    }

    static String apply(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int dataStart = 0;          // where the text since the last tag begins in out
        boolean stripNext = false;  // the last tag ended with a minus
        int i = 0;
        int n = source.length();
        while (i < n) {
            int open = nextTag(source, i);
            String data = source.substring(i, open < 0 ? n : open);
            if (stripNext) {
                data = data.stripLeading();
            }
            dataStart = out.length();
            out.append(data);
            if (open < 0) {
                break;
            }
            char kind = source.charAt(open + 1);
            String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            int end = tagEnd(source, open + 2, close, kind != '#');
            if (end < 0) {
                out.append(source, open, n); // unterminated: Jinjava reports it
                break;
            }
            String inner = source.substring(open + 2, end);
            boolean left = inner.startsWith("-");
            boolean right = inner.endsWith("-") && inner.length() > (left ? 1 : 0);
            if (left) {
                int keep = out.length();
                while (keep > dataStart && Character.isWhitespace(out.charAt(keep - 1))) {
                    keep--;
                }
                out.setLength(keep);
                inner = " " + inner.substring(1);
            }
            if (right) {
                inner = inner.substring(0, inner.length() - 1) + " ";
            }
            out.append('{').append(kind).append(inner).append(close);
            stripNext = right;
            i = end + 2;
            if (kind == '%' && inner.strip().equals("raw")) {
                int endRaw = rawEnd(source, i);
                if (endRaw < 0) {
                    out.append(source, i, n);
                    break;
                }
                dataStart = out.length();
                out.append(source, i, endRaw);
                i = endRaw;
                stripNext = false;
            }
        }
        return out.toString();
    }

    /** The index of the next "{{", "{%" or "{#" at or after {@code from}, or -1. */
    private static int nextTag(String s, int from) {
        for (int i = from; i + 1 < s.length(); i++) {
            if (s.charAt(i) == '{') {
                char c = s.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Where {@code close} ends the tag whose text starts at {@code from}, skipping quoted strings. */
    private static int tagEnd(String s, int from, String close, boolean strings) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (strings && (c == '\'' || c == '"')) {
                quote = c;
            } else if (s.startsWith(close, i)) {
                return i;
            }
        }
        return -1;
    }

    /** The start of the tag that ends a raw block ({@code {% endraw %}}, minus signs allowed). */
    private static int rawEnd(String s, int from) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{%-?\\s*endraw\\s*-?%}").matcher(s);
        return m.find(from) ? m.start() : -1;
    }
}
