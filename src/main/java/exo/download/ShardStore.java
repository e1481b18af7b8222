package exo.download;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where shards live: {@code EXO_HOME/shards/ORG--NAME/FILE-PATH-STEM.layers-A-B.gguf}, with A
 * and B the first and last layer held (inclusive, as {@code exo download --layers A-B} names
 * them). EXO_HOME is {@code $EXO_HOME}, else {@code ~/.exo}. The file's folders in the
 * repository are kept, so two quantizations with the same file name do not collide.
 */
public record ShardStore(Path root) {

    public static ShardStore fromEnvironment(Map<String, String> env) {
        String home = env.get("EXO_HOME");
        Path exoHome = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".exo");
        return new ShardStore(exoHome.resolve("shards"));
    }

    /** The shard of layers [start, end) of {@code f}. */
    public Path path(HubFile f, int start, int end) {
        Path dir = root.resolve(f.repo().replace("/", "--"));
        int slash = f.file().lastIndexOf('/');
        if (slash >= 0) {
            dir = dir.resolve(f.file().substring(0, slash));
        }
        return dir.resolve(f.stem() + ".layers-" + start + "-" + (end - 1) + ".gguf");
    }
}
