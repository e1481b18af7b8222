package exo.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Hugging Face hub cache on disk, laid out as huggingface_hub lays it out, so files fetched
 * by other tools are found and ours are found by them:
 * {@code HUB/models--ORG--NAME/blobs/ETAG}, {@code .../snapshots/REVISION/FILE} (a link to the
 * blob), {@code .../refs/BRANCH} (holding the revision). HUB is {@code $HF_HUB_CACHE}, else
 * {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}.
 */
public record HubCache(Path root) {

    public static HubCache fromEnvironment(Map<String, String> env) {
        if (env.get("HF_HUB_CACHE") != null) {
            return new HubCache(Path.of(env.get("HF_HUB_CACHE")));
        }
        Path home = env.get("HF_HOME") != null ? Path.of(env.get("HF_HOME"))
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        return new HubCache(home.resolve("hub"));
    }

    public Path repoDir(String repo) {
        return root.resolve("models--" + repo.replace("/", "--"));
    }

    public Path snapshot(String repo, String revision, String file) {
        return repoDir(repo).resolve("snapshots").resolve(revision).resolve(file);
    }

    /**
     * The cached {@code file} of {@code repo}: the snapshot {@code refs/main} names first, then
     * any snapshot that has it.
     */
    public Optional<Path> find(String repo, String file) {
        Path dir = repoDir(repo);
        Path ref = dir.resolve("refs").resolve("main");
        try {
            if (Files.isRegularFile(ref)) {
                Path p = snapshot(repo, Files.readString(ref).strip(), file);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
            Path snapshots = dir.resolve("snapshots");
            if (!Files.isDirectory(snapshots)) {
                return Optional.empty();
            }
            try (Stream<Path> revs = Files.list(snapshots)) {
                return revs.map(r -> r.resolve(file)).filter(Files::isRegularFile).findFirst();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
