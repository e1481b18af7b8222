package exo.download;

import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The byte ranges of a set of tensors in their source file (or the parts of a split file), and
 * where each lands in a staging file that holds just those ranges back to back. Tensors that
 * follow each other in one file (separated at most by alignment padding) become one range, so
 * a slice of consecutive layers is a handful of requests; long ranges are cut into pieces of
 * at most {@code maxPiece} bytes so that several can be fetched at once.
 */
public final class RangePlan {
    private final List<PartRange> ranges;
    private final List<Piece> pieces;
    private final List<GgufHeader> parts;

    private RangePlan(List<PartRange> ranges, List<Piece> pieces, List<GgufHeader> parts) {
        this.ranges = ranges;
        this.pieces = pieces;
        this.parts = parts;
    }

    /** One request: {@code range} of part {@code part}'s file, written at {@code stagingOffset}. */
    public record Piece(int part, ByteRange range, long stagingOffset) {
    }

    /** A merged range of one part and where it starts in the staging file. */
    private record PartRange(int part, ByteRange range, long stagingStart) {
    }

    /** The plan for tensors of one file. */
    public static RangePlan of(GgufHeader header, List<GgufTensorInfo> tensors, long maxPiece) {
        return of(List.of(header), tensors.stream().map(t -> new SliceTensors.PartTensor(0, t)).toList(), maxPiece);
    }

    /** The plan for tensors of the parts of a split file ({@code parts}: every part's header, in order). */
    public static RangePlan ofParts(List<GgufHeader> parts, List<SliceTensors.PartTensor> tensors, long maxPiece) {
        return of(parts, tensors, maxPiece);
    }

    private static RangePlan of(List<GgufHeader> parts, List<SliceTensors.PartTensor> tensors, long maxPiece) {
        List<SliceTensors.PartTensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingInt(SliceTensors.PartTensor::part)
                .thenComparingLong(t -> t.info().offset()));
        List<Integer> partOf = new ArrayList<>();
        List<ByteRange> merged = new ArrayList<>();
        for (SliceTensors.PartTensor pt : sorted) {
            GgufHeader header = parts.get(pt.part());
            long s = header.dataOffset() + pt.info().offset();
            long e = s + pt.info().byteSize();
            boolean samePart = !partOf.isEmpty() && partOf.getLast() == pt.part();
            ByteRange last = merged.isEmpty() ? null : merged.getLast();
            if (samePart && s - last.end() < header.alignment() && s >= last.start()) {
                merged.set(merged.size() - 1, new ByteRange(last.start(), Math.max(last.end(), e)));
            } else {
                merged.add(new ByteRange(s, e));
                partOf.add(pt.part());
            }
        }
        List<PartRange> ranges = new ArrayList<>();
        List<Piece> pieces = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < merged.size(); i++) {
            ByteRange r = merged.get(i);
            int part = partOf.get(i);
            ranges.add(new PartRange(part, r, at));
            for (long p = r.start(); p < r.end(); ) {
                long next = r.end() - p <= maxPiece ? r.end() : p + maxPiece;
                pieces.add(new Piece(part, new ByteRange(p, next), at + (p - r.start())));
                p = next;
            }
            at += r.length();
        }
        return new RangePlan(List.copyOf(ranges), List.copyOf(pieces), List.copyOf(parts));
    }

    /** The merged ranges, in file order (part by part). */
    public List<ByteRange> ranges() {
        return ranges.stream().map(PartRange::range).toList();
    }

    /** The requests to make: the ranges cut to size. */
    public List<Piece> pieces() {
        return pieces;
    }

    /** Bytes to fetch in all. */
    public long bytes() {
        return ranges.stream().mapToLong(r -> r.range().length()).sum();
    }

    /** Where tensor {@code t} of a single file lies in the staging file. */
    public long stagingOffset(GgufTensorInfo t) {
        return stagingOffset(new SliceTensors.PartTensor(0, t));
    }

    /** Where tensor {@code t} lies in the staging file. */
    public long stagingOffset(SliceTensors.PartTensor t) {
        long s = parts.get(t.part()).dataOffset() + t.info().offset();
        for (PartRange r : ranges) {
            if (r.part() == t.part() && s >= r.range().start() && s + t.info().byteSize() <= r.range().end()) {
                return r.stagingStart() + (s - r.range().start());
            }
        }
        throw new IllegalArgumentException("tensor " + t.info().name() + " is not in this plan");
    }
}
