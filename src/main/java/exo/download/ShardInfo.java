package exo.download;

import exo.gguf.GgufMetadata;
import exo.gguf.GgufValue;
import exo.gguf.GgufWriter;
import java.util.Optional;

/**
 * What a shard GGUF records about itself in {@code exo.shard.*} metadata keys, beside the
 * model's own metadata (kept unchanged, so the engine reads the model's shape as usual):
 * the layers it holds, [start, end) as in {@code exo.topology.Shard}, and the file it was cut
 * from, so a shard whose source changed upstream is fetched again. A shard cut from a split
 * file names its first part and records every part's etag (joined with '+') and their total size.
 */
public record ShardInfo(int start, int end, String sourceRepo, String sourceFile, String sourceCommit,
                        String sourceEtag, long sourceSize) {

    public static final String START = "exo.shard.start";
    /** One past the last layer held (exclusive, as {@code Shard.end}). */
    public static final String END = "exo.shard.end";
    public static final String SOURCE_REPO = "exo.shard.source_repo";
    public static final String SOURCE_FILE = "exo.shard.source_file";
    public static final String SOURCE_COMMIT = "exo.shard.source_commit";
    public static final String SOURCE_ETAG = "exo.shard.source_etag";
    public static final String SOURCE_SIZE = "exo.shard.source_size";

    static ShardInfo of(RemoteFile source, int start, int end) {
        return of(java.util.List.of(source), start, end);
    }

    /** A shard of the file whose parts are {@code parts} (one for a single file). */
    static ShardInfo of(java.util.List<RemoteFile> parts, int start, int end) {
        RemoteFile first = parts.getFirst();
        return new ShardInfo(start, end, first.ref().repo(), first.ref().file(), first.commit(), etag(parts),
                size(parts));
    }

    private static String etag(java.util.List<RemoteFile> parts) {
        return String.join("+", parts.stream().map(RemoteFile::etag).toList());
    }

    private static long size(java.util.List<RemoteFile> parts) {
        return parts.stream().mapToLong(RemoteFile::size).sum();
    }

    void writeTo(GgufWriter w) {
        w.putUInt32(START, start)
                .putUInt32(END, end)
                .putString(SOURCE_REPO, sourceRepo)
                .putString(SOURCE_FILE, sourceFile)
                .putString(SOURCE_COMMIT, sourceCommit)
                .putString(SOURCE_ETAG, sourceEtag)
                .put(SOURCE_SIZE, GgufValue.ofUInt64(sourceSize));
    }

    /** The shard record of a GGUF's metadata; empty for a whole model file. */
    public static Optional<ShardInfo> read(GgufMetadata m) {
        if (!m.contains(START) || !m.contains(END) || !m.contains(SOURCE_ETAG) || !m.contains(SOURCE_SIZE)) {
            return Optional.empty();
        }
        return Optional.of(new ShardInfo(m.getInt(START).orElseThrow(), m.getInt(END).orElseThrow(),
                m.getString(SOURCE_REPO).orElse(""), m.getString(SOURCE_FILE).orElse(""),
                m.getString(SOURCE_COMMIT).orElse(""), m.getString(SOURCE_ETAG).orElseThrow(),
                m.getLong(SOURCE_SIZE).orElseThrow()));
    }

    /** Whether this shard was cut from exactly {@code source}'s current content. */
    public boolean cutFrom(RemoteFile source) {
        return cutFrom(java.util.List.of(source));
    }

    /** Whether this shard was cut from exactly the current content of {@code parts}. */
    public boolean cutFrom(java.util.List<RemoteFile> parts) {
        return sourceEtag.equals(etag(parts)) && sourceSize == size(parts);
    }
}
