package exo.gguf;

/**
 * The header ended before it was complete. A file on disk that raises this is broken; a
 * range-fetched prefix that raises it just needs more bytes (see {@link GgufHeader#parse}).
 */
public final class GgufTruncatedException extends RuntimeException {
    private final long needed;

    public GgufTruncatedException(long needed) {
        super("truncated GGUF header: needs at least " + needed + " bytes");
        this.needed = needed;
    }

    /** A lower bound on the prefix length that might parse. */
    public long needed() {
        return needed;
    }
}
