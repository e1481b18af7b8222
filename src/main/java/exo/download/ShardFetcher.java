package exo.download;

import exo.gguf.GgufFile;
import exo.gguf.GgufFormatException;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import exo.gguf.GgufWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gets the shard GGUF of layers [start, end) of a model file without downloading the rest:
 * reads the source's header by range, works out the byte ranges of the tensors those layers
 * need, fetches them (merged, a few at a time) and writes a GGUF holding just those tensors
 * with the model's metadata unchanged plus the {@code exo.shard.*} keys ({@link ShardInfo}).
 * When the whole file is already in the hub cache the shard is cut from it instead.
 *
 * <p>This is what a node calls when it is assigned a slice: {@link #fetch(HubFile, int, int,
 * ProgressListener)}. A shard cut from the file's current content costs one HEAD request;
 * one cut from content that changed upstream (another etag) is fetched again.
 */
public final class ShardFetcher {
    public static final int DEFAULT_CONCURRENCY = 4;
    public static final int DEFAULT_FIRST_HEADER_READ = 64 * 1024;
    public static final long DEFAULT_MAX_PIECE = 32L << 20;

    private final HfClient client;
    private final HubCache cache;
    private final ShardStore store;
    private final int concurrency;
    private final int firstHeaderRead;
    private final long maxPiece;

    public ShardFetcher(HfClient client, HubCache cache, ShardStore store) {
        this(client, cache, store, DEFAULT_CONCURRENCY, DEFAULT_FIRST_HEADER_READ, DEFAULT_MAX_PIECE);
    }

    public ShardFetcher(HfClient client, HubCache cache, ShardStore store, int concurrency, int firstHeaderRead,
                        long maxPiece) {
        if (concurrency < 1 || firstHeaderRead < 64 || maxPiece < 1) {
            throw new IllegalArgumentException("concurrency, first header read and piece size must be positive");
        }
        this.client = client;
        this.cache = cache;
        this.store = store;
        this.concurrency = concurrency;
        this.firstHeaderRead = firstHeaderRead;
        this.maxPiece = maxPiece;
    }

    /**
     * The shard of layers [start, end) of {@code f} (end exclusive), fetched unless an
     * up-to-date one is already in the store.
     *
     * @throws IllegalArgumentException when the model does not have those layers
     * @throws HubException             when the hub refuses, the network fails for good or the disk is full
     */
    public Path fetch(HubFile f, int start, int end, ProgressListener progress) throws IOException {
        Path target = store.path(f, start, end);
        if (client.settings().offline()) {
            if (Files.isRegularFile(target)) {
                return target;
            }
            throw new HubException(HubException.Reason.OFFLINE_MISSING, "HF_HUB_OFFLINE is set and the shard of layers "
                    + start + "-" + (end - 1) + " of " + f.file() + " is not at " + target
                    + "; unset HF_HUB_OFFLINE to fetch it");
        }
        RemoteFile remote;
        try {
            remote = client.head(f);
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.NETWORK && Files.isRegularFile(target)) {
                progress.note("cannot reach " + client.settings().endpoint() + "; using the shard already at " + target);
                return target;
            }
            throw e;
        }
        return fetch(remote, start, end, progress);
    }

    /** As {@link #fetch(HubFile, int, int, ProgressListener)}, for a file already looked up. */
    public Path fetch(RemoteFile remote, int start, int end, ProgressListener progress) throws IOException {
        return fetchFrom(source(remote), remote, start, end, progress);
    }

    /**
     * The shard of layers [start, end) cut from {@code source} (a peer's copy of the file, say),
     * whose identity {@code origin} records in the shard, unless an up-to-date one is in the store.
     */
    public Path fetchFrom(ByteSource source, RemoteFile origin, int start, int end, ProgressListener progress)
            throws IOException {
        Path target = store.path(origin.ref(), start, end);
        if (isCurrent(target, origin, start, end)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileLockGuard lock = FileLockGuard.acquire(lockFile, target.getFileName().toString(), progress::note)) {
            if (!isCurrent(target, origin, start, end)) {
                cut(source, origin, start, end, target, progress);
            }
        }
        return target;
    }

    /** The whole file from the hub cache when it is there and current, else the hub. */
    private ByteSource source(RemoteFile remote) throws IOException {
        Path blob = cache.blob(remote.ref().repo(), remote.etag());
        if (Files.isRegularFile(blob) && Files.size(blob) == remote.size()) {
            return ByteSource.local(blob, remote.size());
        }
        return ByteSource.remote(client, remote);
    }

    /** Whether {@code target} is a shard of these layers cut from {@code remote}'s content. */
    static boolean isCurrent(Path target, RemoteFile remote, int start, int end) {
        if (!Files.isRegularFile(target)) {
            return false;
        }
        try {
            Optional<ShardInfo> info = ShardInfo.read(GgufFile.readHeader(target).metadata());
            return info.isPresent() && info.get().cutFrom(remote) && info.get().start() == start
                    && info.get().end() == end;
        } catch (IOException | GgufFormatException e) {
            return false; // unreadable: fetch it again
        }
    }

    private void cut(ByteSource source, RemoteFile remote, int start, int end, Path target, ProgressListener progress)
            throws IOException {
        String name = remote.ref().file();
        RemoteHeader.Result read = RemoteHeader.read(source, firstHeaderRead, name);
        GgufHeader header = read.header();
        source = source.withPrefix(read.prefix());
        List<GgufTensorInfo> tensors = SliceTensors.select(header, start, end);
        RangePlan plan = RangePlan.of(header, tensors, maxPiece);
        Path staging = target.resolveSibling(target.getFileName() + ".download");
        try {
            fetchPieces(source, plan, staging, remote.ref().stem() + " layers " + start + "-" + (end - 1), progress);
            write(header, tensors, plan, staging, ShardInfo.of(remote, start, end), target);
        } catch (HubException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (FileDownloader.isDiskFull(e)) {
                throw new HubException(HubException.Reason.DISK_FULL, "no space left on the device of " + target
                        + " for the " + plan.bytes() + " bytes of layers " + start + "-" + (end - 1) + " of " + name, e);
            }
            throw e;
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    /** Fetches every piece of the plan into the staging file, {@code concurrency} at a time. */
    private void fetchPieces(ByteSource source, RangePlan plan, Path staging, String label, ProgressListener progress)
            throws IOException {
        progress.started(label, plan.bytes(), 0);
        boolean ok = false;
        ExecutorService pool = Executors.newFixedThreadPool(concurrency,
                Thread.ofPlatform().daemon().name("exo-shard-fetch-", 0).factory());
        try (FileChannel ch = FileChannel.open(staging, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // Taken in the order they finish, so the first failure stops the rest at once.
            CompletionService<Void> running = new ExecutorCompletionService<>(pool);
            for (RangePlan.Piece p : plan.pieces()) {
                running.submit(() -> {
                    fetchPiece(source, p, ch, progress);
                    return null;
                });
            }
            for (int i = 0; i < plan.pieces().size(); i++) {
                await(running);
            }
            ok = true;
        } finally {
            pool.shutdownNow();
            progress.finished(ok);
        }
    }

    private static void fetchPiece(ByteSource source, RangePlan.Piece p, FileChannel ch, ProgressListener progress)
            throws IOException {
        AtomicLong got = new AtomicLong();
        source.read(p.range(), (offset, bytes) -> {
            int n = bytes.remaining();
            FileDownloader.writeFully(ch, bytes, p.stagingOffset() + (offset - p.range().start()));
            got.addAndGet(n);
            progress.advanced(n);
        });
        if (got.get() != p.range().length()) {
            throw new HubException(HubException.Reason.INTEGRITY, "got " + got.get() + " bytes of " + p.range()
                    + ", expected " + p.range().length());
        }
    }

    private static void await(CompletionService<Void> running) throws IOException {
        try {
            running.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("shard download interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Writes the shard GGUF (atomically: GgufWriter moves a finished file into place). */
    private static void write(GgufHeader header, List<GgufTensorInfo> tensors, RangePlan plan, Path staging,
                              ShardInfo info, Path target) throws IOException {
        try (Arena arena = Arena.ofShared();
             FileChannel ch = FileChannel.open(staging, StandardOpenOption.READ)) {
            if (ch.size() != plan.bytes()) {
                throw new HubException(HubException.Reason.INTEGRITY, "staged " + ch.size() + " bytes for "
                        + target.getFileName() + ", expected " + plan.bytes());
            }
            MemorySegment staged = ch.map(FileChannel.MapMode.READ_ONLY, 0, plan.bytes(), arena);
            GgufWriter w = new GgufWriter().putAll(header.metadata());
            info.writeTo(w);
            for (GgufTensorInfo t : tensors) {
                MemorySegment bytes = staged.asSlice(plan.stagingOffset(t), t.byteSize());
                w.addTensor(t.name(), t.type(), t.dims(), () -> bytes);
            }
            w.write(target);
        }
    }
}
