package exo.tokenizer;

import java.util.Arrays;

/**
 * Turns token ids arriving one at a time into text, holding back the bytes of a UTF-8
 * character until all of them have arrived, so that a character split over byte-fallback or
 * byte-level tokens is never shown as two broken halves. Not thread-safe: one per stream.
 * As llama.cpp's streaming (common_token_to_piece), no dummy-prefix space is removed and no
 * space clean-up is done.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private byte[] pending = new byte[0];

    public StreamingDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds token {@code id}; returns the text now complete (possibly empty). */
    public String push(int id) {
        byte[] piece = tokenizer.tokenBytes(id, renderSpecial);
        byte[] all = Arrays.copyOf(pending, pending.length + piece.length);
        System.arraycopy(piece, 0, all, pending.length, piece.length);
        int complete = completeLength(all);
        pending = Arrays.copyOfRange(all, complete, all.length);
        return Utf8.decode(all, 0, complete);
    }

    /** Returns what is still held back (an unfinished character shows as U+FFFD) and forgets it. */
    public String flush() {
        String rest = Utf8.decode(pending, 0, pending.length);
        pending = new byte[0];
        return rest;
    }

    /** Whether bytes of an unfinished character are held back. */
    public boolean hasPending() {
        return pending.length > 0;
    }

    /**
     * How many leading bytes can be shown: all but a trailing lead byte whose continuation bytes
     * have not all arrived. Malformed bytes are not held (they decode to U+FFFD at once).
     */
    static int completeLength(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int i = n - back;
            int v = b[i] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            int need = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 && v < 0xF0 ? 3 : v >= 0xC2 && v < 0xE0 ? 2 : 1;
            return need > back ? i : n;
        }
        return n;
    }
}
