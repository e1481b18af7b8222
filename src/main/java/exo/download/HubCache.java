package exo.download;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Hugging Face hub cache on disk, laid out as huggingface_hub lays it out, so files fetched
 * by other tools are found and ours are found by them:
 * {@code HUB/models--ORG--NAME/blobs/ETAG}, {@code .../snapshots/REVISION/FILE} (a link to the
 * blob), {@code .../refs/BRANCH} (holding the revision). HUB is {@code $HF_HUB_CACHE}, else
 * {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}.
 *
 * <p>A blob is named by its etag (the SHA-256 of an LFS file) and written as
 * {@code BLOB.incomplete} until it is whole and checked; snapshots link to blobs, so a complete
 * file appears under its snapshot name only once it is complete.
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

    public Path blob(String repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag);
    }

    /** Where a blob is written while it downloads (huggingface_hub's name, so either can resume). */
    public Path incomplete(String repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag + ".incomplete");
    }

    /** The lock taken while a blob downloads, where huggingface_hub keeps its locks. */
    public Path lock(String repo, String etag) {
        return root.resolve(".locks").resolve("models--" + repo.replace("/", "--")).resolve(etag + ".lock");
    }

    public Path ref(String repo, String revision) {
        return repoDir(repo).resolve("refs").resolve(revision);
    }

    /**
     * The cached file at {@code f}'s revision, as huggingface_hub finds it offline: a branch or
     * tag is looked up in {@code refs/}, a commit names its snapshot directly.
     */
    public Optional<Path> find(HubFile f) {
        Path ref = ref(f.repo(), f.revision());
        String commit = f.revision();
        try {
            if (Files.isRegularFile(ref)) {
                commit = Files.readString(ref).strip();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (commit.isEmpty() || commit.contains("/") || commit.contains("..")) {
            return Optional.empty();
        }
        Path p = snapshot(f.repo(), commit, f.file());
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Makes the complete blob of {@code remote} visible: links {@code snapshots/COMMIT/FILE} to
     * it (relative, as huggingface_hub does; a copy where the file system has no links) and
     * points {@code refs/REVISION} at the commit. Each step replaces its target atomically.
     */
    public Path publish(RemoteFile remote) throws IOException {
        String repo = remote.ref().repo();
        Path blob = blob(repo, remote.etag());
        Path snap = snapshot(repo, remote.commit(), remote.ref().file());
        Files.createDirectories(snap.getParent());
        // A commit's file never changes, so a snapshot entry of the right size is this blob.
        if (!(Files.isRegularFile(snap) && Files.size(snap) == Files.size(blob))) {
            Path tmp = snap.resolveSibling(snap.getFileName() + ".exo-tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createSymbolicLink(tmp, snap.getParent().relativize(blob));
            } catch (UnsupportedOperationException | FileSystemException e) {
                // Windows without developer mode, some network file systems: copy instead.
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, snap, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        if (!remote.ref().revision().equals(remote.commit())) {
            writeAtomically(ref(repo, remote.ref().revision()), remote.commit());
        }
        return snap;
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".exo-tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
