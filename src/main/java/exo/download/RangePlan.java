package exo.download;

import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte ranges of a set of tensors in their source file, and where each lands in a staging
 * file that holds just those ranges back to back. Tensors that follow each other (separated at
 * most by alignment padding) become one range, so a slice of consecutive layers is a handful of
 * requests; long ranges are cut into pieces of at most {@code maxPiece} bytes so that several
 * can be fetched at once.
 */
public final class RangePlan {
    private final List<ByteRange> ranges;
    private final long[] stagingStart;
    private final List<Piece> pieces;
    private final long dataOffset;

    private RangePlan(List<ByteRange> ranges, long[] stagingStart, List<Piece> pieces, long dataOffset) {
        this.ranges = ranges;
        this.stagingStart = stagingStart;
        this.pieces = pieces;
        this.dataOffset = dataOffset;
    }

    /** One request: {@code range} of the source, written at {@code stagingOffset}. */
    public record Piece(ByteRange range, long stagingOffset) {
    }

    public static RangePlan of(GgufHeader header, List<GgufTensorInfo> tensors, long maxPiece) {
        List<ByteRange> merged = new ArrayList<>();
        List<GgufTensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(java.util.Comparator.comparingLong(GgufTensorInfo::offset));
        for (GgufTensorInfo t : sorted) {
            long s = header.dataOffset() + t.offset();
            long e = s + t.byteSize();
            ByteRange last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && s - last.end() < header.alignment() && s >= last.start()) {
                merged.set(merged.size() - 1, new ByteRange(last.start(), Math.max(last.end(), e)));
            } else {
                merged.add(new ByteRange(s, e));
            }
        }
        long[] starts = new long[merged.size()];
        List<Piece> pieces = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < merged.size(); i++) {
            ByteRange r = merged.get(i);
            starts[i] = at;
            for (long p = r.start(); p < r.end(); ) {
                long next = r.end() - p <= maxPiece ? r.end() : p + maxPiece;
                pieces.add(new Piece(new ByteRange(p, next), at + (p - r.start())));
                p = next;
            }
            at += r.length();
        }
        return new RangePlan(List.copyOf(merged), starts, List.copyOf(pieces), header.dataOffset());
    }

    /** The merged ranges, in file order. */
    public List<ByteRange> ranges() {
        return ranges;
    }

    /** The requests to make: the ranges cut to size. */
    public List<Piece> pieces() {
        return pieces;
    }

    /** Bytes to fetch in all. */
    public long bytes() {
        return ranges.stream().mapToLong(ByteRange::length).sum();
    }

    /** Where tensor {@code t}'s bytes lie in the staging file. */
    public long stagingOffset(GgufTensorInfo t) {
        long s = dataOffset + t.offset();
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange r = ranges.get(i);
            if (s >= r.start() && s + t.byteSize() <= r.end()) {
                return stagingStart[i] + (s - r.start());
            }
        }
        throw new IllegalArgumentException("tensor " + t.name() + " is not in this plan");
    }
}
