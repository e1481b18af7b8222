package exo.bench;

/**
 * One test of {@code exo bench}, named as llama-bench names them: {@code ppN} processes a prompt
 * of N tokens in one batch, {@code tgN} generates N tokens one at a time.
 */
public record BenchTest(Kind kind, int tokens) {

    public enum Kind {
        PROMPT("pp"), GENERATE("tg");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    public BenchTest {
        if (tokens < 1) {
            throw new IllegalArgumentException("a test needs at least one token, not " + tokens);
        }
    }

    public String name() {
        return kind.prefix + tokens;
    }

    /** Positions of the context the test fills. */
    public int positions() {
        return kind == Kind.PROMPT ? tokens : tokens + 1;
    }
}
