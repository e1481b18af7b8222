package exo.serve;

import exo.serve.http.ClientGone;
import exo.tokenizer.Tokenizer;
import java.util.function.BooleanSupplier;

/**
 * Whether a prompt's text can fit the context, found in bounded memory and time before the
 * prompt is tokenized whole: the text is tokenized a piece at a time (pieces cut at
 * whitespace), counting, and counting stops as soon as the count is past the context. A
 * 7 MB message is refused after about a context's worth of tokens, without ever holding the
 * tokens (or the tokenizer's work arrays) of all of it.
 *
 * <p>Pieces tokenized apart can differ from the whole by a token or so where they meet (a
 * merge across the cut, a SentencePiece dummy space), so the count allows a few tokens per
 * piece; the exact count of a prompt that passes comes from tokenizing it whole, which is then
 * bounded by the context.
 */
final class PromptLength {
    /** Characters per piece: a few thousand tokens, tokenized in a few milliseconds. */
    static final int PIECE_CHARS = 8192;
    /** Tokens per piece that tokenizing apart may add. */
    private static final int SLACK_PER_PIECE = 4;

    private final Tokenizer tokenizer;
    private final boolean parseSpecial;
    private final int limit;
    private final String field;
    private final BooleanSupplier gone;
    private long count;
    private long pieces;
    private long chars;

    /**
     * @param parseSpecial as the prompt's own tokenization (chat templates write special tokens)
     * @param limit        the most tokens a prompt may have
     * @param field        the request field the prompt came from, for the refusal's param
     * @param gone         polled between pieces: a client that leaves stops the work
     */
    PromptLength(Tokenizer tokenizer, boolean parseSpecial, int limit, String field, BooleanSupplier gone) {
        this.tokenizer = tokenizer;
        this.parseSpecial = parseSpecial;
        this.limit = limit;
        this.field = field;
        this.gone = gone;
    }

    /**
     * Counts {@code text} on top of what was counted before.
     *
     * @throws ApiError   400 context_length_exceeded once the count is past the limit
     * @throws ClientGone when the client leaves meanwhile
     */
    PromptLength add(String text) {
        int start = 0;
        while (start < text.length()) {
            if (gone.getAsBoolean()) {
                throw new ClientGone();
            }
            int end = cut(text, start);
            count += tokenizer.encode(text.substring(start, end), false, parseSpecial).length;
            chars += end - start;
            pieces++;
            start = end;
            if (count > limit + SLACK_PER_PIECE * pieces) {
                throw ApiError.contextExceeded(field, "the prompt is more than " + limit + " tokens (" + count
                        + " in its first " + chars + " characters); the context holds " + (limit + 1)
                        + " with the last position for the answer");
            }
        }
        return this;
    }

    /** Where the piece from {@code start} ends: at the last whitespace in reach, else at the size, never inside a surrogate pair. */
    static int cut(String text, int start) {
        int end = start + PIECE_CHARS;
        if (end >= text.length()) {
            return text.length();
        }
        for (int i = end; i > start + PIECE_CHARS / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return Character.isLowSurrogate(text.charAt(end)) ? end - 1 : end;
    }
}
