package exo.tokenizer.chat.tools;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Ids for calls whose syntax carries none: {@code call_} and 24 random letters and digits, as OpenAI's look. */
public final class ToolCallIds implements Supplier<String> {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SplittableRandom random;

    private ToolCallIds(SplittableRandom random) {
        this.random = random;
    }

    /** Ids nobody can guess (one source per request). */
    public static ToolCallIds random() {
        return new ToolCallIds(new SplittableRandom(new SecureRandom().nextLong()));
    }

    /** The same ids every time for the same seed (tests, reproducible runs). */
    public static ToolCallIds seeded(long seed) {
        return new ToolCallIds(new SplittableRandom(seed));
    }

    @Override
    public String get() {
        StringBuilder sb = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
