package exo.download;

import java.nio.file.Path;

/**
 * Where shards live: {@code EXO_HOME/shards/ORG--NAME/FILE-PATH-STEM.layers-A-B.gguf}, with A
 * and B the first and last layer held (inclusive, as {@code exo download --layers A-B} names
 * them). The file's folders in the
 * repository are kept, so two quantizations with the same file name do not collide; a split
 * file's shard is named after the model, without the "-00001-of-0000N" of its first part.
 */
public record ShardStore(Path root) {

    /** The store in the exo home directory ({@code exo.node.ExoHome}). */
    public static ShardStore under(Path exoHome) {
        return new ShardStore(exoHome.resolve("shards"));
    }

    /** The shard of layers [start, end) of {@code f}. */
    public Path path(HubFile f, int start, int end) {
        Path dir = root.resolve(f.repo().replace("/", "--"));
        int slash = f.file().lastIndexOf('/');
        if (slash >= 0) {
            dir = dir.resolve(f.file().substring(0, slash));
        }
        String name = f.file().substring(slash + 1);
        return dir.resolve(GgufSplit.stem(name) + ".layers-" + start + "-" + (end - 1) + ".gguf");
    }
}
