package exo.tokenizer.chat.tools;

/** What a function name in markup may look like (OpenAI allows {@code [a-zA-Z0-9_-]{1,64}}; dots and colons occur too). */
final class ToolNames {
    private ToolNames() {
    }

    static boolean isName(String s) {
        if (s.isEmpty() || s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }
}
