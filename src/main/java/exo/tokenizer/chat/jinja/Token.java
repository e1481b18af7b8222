package exo.tokenizer.chat.jinja;

/**
 * One lexeme of a template. {@code value} is the text for names, operators and data, the
 * decoded text for strings, and the number for integers and floats.
 */
record Token(Kind kind, Object value, int line) {
    enum Kind {
        DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** An operator token with this text, e.g. {@code "("}. */
    boolean isOperator(String op) {
        return kind == Kind.OPERATOR && value.equals(op);
    }

    /** A name token with this text, e.g. {@code "endfor"}. */
    boolean isName(String name) {
        return kind == Kind.NAME && value.equals(name);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "end of template";
            case DATA -> "template data";
            case VARIABLE_BEGIN -> "begin of print statement";
            case VARIABLE_END -> "end of print statement";
            case BLOCK_BEGIN -> "begin of statement block";
            case BLOCK_END -> "end of statement block";
            case STRING -> "string";
            case INTEGER -> "integer";
            case FLOAT -> "float";
            default -> String.valueOf(value);
        };
    }
}
