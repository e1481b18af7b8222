package exo.download;

import java.util.Locale;
import java.util.Objects;

/**
 * What the hub says about a file: the commit the requested revision resolved to, the size and
 * the etag. For files stored with Git LFS (every GGUF) the etag is the SHA-256 of the content;
 * for small files kept in git it is the git blob hash, which cannot be checked here.
 */
public record RemoteFile(HubFile ref, String commit, long size, String etag) {

    public RemoteFile {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(etag, "etag");
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + ref);
        }
        if (etag.isBlank() || etag.contains("/") || etag.contains("..")) {
            throw new IllegalArgumentException("etag '" + etag + "' of " + ref + " cannot name a cache blob");
        }
    }

    /**
     * A model file a peer holds (a --model-file, or one in its models directory), named for the
     * shard store as "exo-peer/MODEL" and known by its name and size.
     */
    public static RemoteFile fromPeer(String modelId, String fileName, long size) {
        String repo = "exo-peer/" + modelId.replaceAll("[^A-Za-z0-9._-]", "_");
        return new RemoteFile(new HubFile(repo, fileName, "peer"), "peer", size, "peer-size-" + size);
    }

    /** The ETag header value without the weak marker and quotes, as huggingface_hub stores it. */
    public static String normalizeEtag(String header) {
        String e = header.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** The SHA-256 the content must have, in lower-case hex, or null when the etag is not one. */
    public String sha256() {
        return etag.matches("[0-9a-fA-F]{64}") ? etag.toLowerCase(Locale.ROOT) : null;
    }

    /** The file at the commit it resolved to: its bytes cannot change between range requests. */
    public HubFile pinned() {
        return ref.at(commit);
    }
}
