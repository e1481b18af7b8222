package exo.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Downloads whole files into the hub cache as huggingface_hub does: the blob grows in
 * {@code blobs/ETAG.incomplete} (resumed with a Range request after an interruption), its
 * SHA-256 is checked against the LFS etag, and only then is it moved to {@code blobs/ETAG} and
 * linked from the snapshot. A file already cached with the right size costs one HEAD request.
 */
public final class FileDownloader {
    private final HfClient client;
    private final HubCache cache;
    private final UnaryOperator<RangeSink> sinkDecorator;

    public FileDownloader(HfClient client, HubCache cache) {
        this(client, cache, UnaryOperator.identity());
    }

    /** Test seam: {@code sinkDecorator} wraps the disk writes (to make them fail as a full disk does). */
    FileDownloader(HfClient client, HubCache cache, UnaryOperator<RangeSink> sinkDecorator) {
        this.client = client;
        this.cache = cache;
        this.sinkDecorator = sinkDecorator;
    }

    /** The cached file {@code f}, downloaded first unless it is already here and current. */
    public Path download(HubFile f, ProgressListener progress) throws IOException {
        if (client.settings().offline()) {
            return cache.find(f).orElseThrow(() -> new HubException(HubException.Reason.OFFLINE_MISSING,
                    "HF_HUB_OFFLINE is set and " + f.file() + " of " + f.repo() + " (revision " + f.revision()
                            + ") is not in the cache at " + cache.root() + "; unset HF_HUB_OFFLINE to download it"));
        }
        RemoteFile remote;
        try {
            remote = client.head(f);
        } catch (HubException e) {
            // As huggingface_hub does: with the hub out of reach, a cached copy is good enough.
            Optional<Path> cached = cache.find(f);
            if (e.reason() == HubException.Reason.NETWORK && cached.isPresent()) {
                progress.note("cannot reach " + client.settings().endpoint() + "; using the cached " + f.file());
                return cached.get();
            }
            throw e;
        }
        return download(remote, progress);
    }

    /** Downloads {@code remote} (as a HEAD described it) unless its blob is already complete. */
    public Path download(RemoteFile remote, ProgressListener progress) throws IOException {
        String repo = remote.ref().repo();
        Path blob = cache.blob(repo, remote.etag());
        if (!isComplete(blob, remote)) {
            try (FileLockGuard lock = FileLockGuard.acquire(cache.lock(repo, remote.etag()), remote.ref().file(),
                    progress::note)) {
                // Another process may have finished it while this one waited for the lock.
                if (!isComplete(blob, remote)) {
                    fetchVerified(remote, blob, progress);
                }
            }
        }
        return cache.publish(remote);
    }

    private static boolean isComplete(Path blob, RemoteFile remote) throws IOException {
        return Files.isRegularFile(blob) && Files.size(blob) == remote.size();
    }

    /**
     * Fetches into the partial file and moves it into place once its hash is right. A wrong
     * hash may come from corrupt bytes kept from an earlier run, so the partial file is
     * deleted and the whole file fetched once more before giving up.
     */
    private void fetchVerified(RemoteFile remote, Path blob, ProgressListener progress) throws IOException {
        Path part = cache.incomplete(remote.ref().repo(), remote.etag());
        for (int attempt = 1; ; attempt++) {
            String actual = fetchInto(remote, part, progress);
            String expected = remote.sha256();
            if (expected == null || expected.equals(actual)) {
                Files.move(part, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            Files.delete(part);
            String what = remote.ref().file() + " from " + remote.ref().repo() + " has SHA-256 " + actual
                    + ", not " + expected + " as the hub says";
            if (attempt >= 2) {
                throw new HubException(HubException.Reason.INTEGRITY, what + " (twice); the download was deleted");
            }
            progress.note(what + "; downloading it again from the start");
        }
    }

    /** Appends the missing bytes to {@code part}; returns the SHA-256 of all of it. */
    private String fetchInto(RemoteFile remote, Path part, ProgressListener progress) throws IOException {
        Files.createDirectories(part.getParent());
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > remote.size()) {
            Files.delete(part);
            have = 0;
        }
        MessageDigest sha = digestOf(part, have);
        String name = remote.ref().file().substring(remote.ref().file().lastIndexOf('/') + 1);
        progress.started(name, remote.size(), have);
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            RangeSink toDisk = (offset, bytes) -> {
                int n = bytes.remaining();
                sha.update(bytes.duplicate());
                writeFully(ch, bytes, offset);
                progress.advanced(n);
            };
            client.fetch(remote.pinned(), new ByteRange(have, remote.size()), sinkDecorator.apply(toDisk));
            ch.force(true);
            ok = true;
        } catch (HubException e) {
            throw e;
        } catch (IOException e) {
            if (isDiskFull(e)) {
                long kept = Files.isRegularFile(part) ? Files.size(part) : 0;
                throw new HubException(HubException.Reason.DISK_FULL, "no space left on the device of " + part
                        + " after " + kept + " of " + remote.size() + " bytes of " + remote.ref().file()
                        + "; free some space and run again to resume", e);
            }
            throw e;
        } finally {
            progress.finished(ok);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("enospc") || m.contains("not enough space")
                    || m.contains("disk full") || m.contains("disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }

    /** A SHA-256 already fed the first {@code length} bytes of {@code file} (the resumed part). */
    private static MessageDigest digestOf(Path file, long length) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (length == 0) {
            return sha;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(file + " shrank while it was being read");
                }
                sha.update(buf, 0, n);
                left -= n;
            }
        }
        return sha;
    }

    static void writeFully(FileChannel ch, ByteBuffer bytes, long offset) throws IOException {
        long at = offset;
        while (bytes.hasRemaining()) {
            at += ch.write(bytes, at);
        }
    }
}
