package exo.tokenizer.chat.jinja;

import java.util.Objects;

/**
 * markupsafe's Markup: text marked safe by the {@code safe} or {@code escape} filters. It prints
 * as its text, but {@code +} with a plain string HTML-escapes that string (a template that writes
 * {@code "'" | safe + name} gets {@code &#39;} in names), as jinja2 does.
 */
record Markup(String text) {
    Markup {
        Objects.requireNonNull(text, "text");
    }

    /** markupsafe.escape: Markup stays as it is, anything else is str()'d and escaped. */
    static Markup escape(Object v) {
        if (v instanceof Markup m) {
            return m;
        }
        String s = Py.str(v);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return new Markup(b.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}
