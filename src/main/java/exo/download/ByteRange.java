package exo.download;

/** Bytes [start, end) of a file. */
public record ByteRange(long start, long end) {

    public ByteRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad byte range [" + start + ", " + end + ")");
        }
    }

    public long length() {
        return end - start;
    }

    /** The value of an HTTP Range header (RFC 9110: the last byte position is inclusive). */
    public String header() {
        return "bytes=" + start + "-" + (end - 1);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
