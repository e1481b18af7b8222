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
import java.util.ArrayList;
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
 *
 * <p>A file named as the first part of a gguf-split set ({@code NAME-00001-of-0000N.gguf}) is
 * read as the model it is part of: every part's header is read, the slice's tensors taken from
 * whichever parts hold them, and the shard is one GGUF with the first part's metadata (less the
 * split.* keys), as llama.cpp would load the set.
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
     * @throws exo.InvalidInputException when the model does not have those layers
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
        List<RemoteFile> parts = new ArrayList<>();
        try {
            for (String name : GgufSplit.partNames(f.file())) {
                parts.add(client.head(new HubFile(f.repo(), name, f.revision())));
            }
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.NETWORK && Files.isRegularFile(target)) {
                progress.note("cannot reach " + client.settings().endpoint() + "; using the shard already at " + target);
                return target;
            }
            throw e;
        }
        return fetchParts(parts, start, end, progress);
    }

    /** As {@link #fetch(HubFile, int, int, ProgressListener)}, for a file already looked up. */
    public Path fetch(RemoteFile remote, int start, int end, ProgressListener progress) throws IOException {
        return fetchParts(List.of(remote), start, end, progress);
    }

    /** The shard of layers [start, end) of the file whose parts (one, or a gguf-split set) are {@code parts}. */
    public Path fetchParts(List<RemoteFile> parts, int start, int end, ProgressListener progress) throws IOException {
        List<ByteSource> sources = new ArrayList<>();
        for (RemoteFile r : parts) {
            sources.add(source(r));
        }
        return cutUnlessCurrent(sources, parts, start, end, progress);
    }

    /**
     * The shard of layers [start, end) cut from {@code source} (a peer's copy of the file, say),
     * whose identity {@code origin} records in the shard, unless an up-to-date one is in the store.
     */
    public Path fetchFrom(ByteSource source, RemoteFile origin, int start, int end, ProgressListener progress)
            throws IOException {
        return cutUnlessCurrent(List.of(source), List.of(origin), start, end, progress);
    }

    private Path cutUnlessCurrent(List<ByteSource> sources, List<RemoteFile> origins, int start, int end,
                                  ProgressListener progress) throws IOException {
        Path target = store.path(origins.getFirst().ref(), start, end);
        if (isCurrent(target, origins, start, end)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileLockGuard lock = FileLockGuard.acquire(lockFile, target.getFileName().toString(), progress::note)) {
            if (!isCurrent(target, origins, start, end)) {
                cut(sources, origins, start, end, target, progress);
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
        return isCurrent(target, List.of(remote), start, end);
    }

    private static boolean isCurrent(Path target, List<RemoteFile> parts, int start, int end) {
        if (!Files.isRegularFile(target)) {
            return false;
        }
        try {
            Optional<ShardInfo> info = ShardInfo.read(GgufFile.readHeader(target).metadata());
            return info.isPresent() && info.get().cutFrom(parts) && info.get().start() == start
                    && info.get().end() == end;
        } catch (IOException | GgufFormatException e) {
            return false; // unreadable: fetch it again
        }
    }

    private void cut(List<ByteSource> sources, List<RemoteFile> parts, int start, int end, Path target,
                     ProgressListener progress) throws IOException {
        String name = parts.getFirst().ref().file();
        List<GgufHeader> headers = new ArrayList<>();
        List<ByteSource> prefixed = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String partName = parts.get(i).ref().file();
            RemoteHeader.Result read = RemoteHeader.read(sources.get(i), firstHeaderRead, partName);
            headers.add(read.header());
            prefixed.add(sources.get(i).withPrefix(read.prefix()));
            names.add(partName);
        }
        GgufSplit.check(headers, names);
        List<SliceTensors.PartTensor> tensors = SliceTensors.select(headers, start, end);
        RangePlan plan = RangePlan.ofParts(headers, tensors, maxPiece);
        Path staging = target.resolveSibling(target.getFileName() + ".download");
        String label = GgufSplit.stem(parts.getFirst().ref().file().substring(name.lastIndexOf('/') + 1))
                + " layers " + start + "-" + (end - 1);
        try {
            fetchPieces(prefixed, plan, staging, label, progress);
            write(headers.getFirst(), tensors, plan, staging, ShardInfo.of(parts, start, end), target);
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
    private void fetchPieces(List<ByteSource> sources, RangePlan plan, Path staging, String label,
                             ProgressListener progress)
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
                    fetchPiece(sources.get(p.part()), p, ch, progress);
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
    private static void write(GgufHeader first, List<SliceTensors.PartTensor> tensors, RangePlan plan, Path staging,
                              ShardInfo info, Path target) throws IOException {
        try (Arena arena = Arena.ofShared();
             FileChannel ch = FileChannel.open(staging, StandardOpenOption.READ)) {
            if (ch.size() != plan.bytes()) {
                throw new HubException(HubException.Reason.INTEGRITY, "staged " + ch.size() + " bytes for "
                        + target.getFileName() + ", expected " + plan.bytes());
            }
            MemorySegment staged = ch.map(FileChannel.MapMode.READ_ONLY, 0, plan.bytes(), arena);
            GgufWriter w = new GgufWriter();
            GgufSplit.modelMetadata(first).forEach(w::put);
            info.writeTo(w);
            for (SliceTensors.PartTensor pt : tensors) {
                GgufTensorInfo t = pt.info();
                MemorySegment bytes = staged.asSlice(plan.stagingOffset(pt), t.byteSize());
                w.addTensor(t.name(), t.type(), t.dims(), () -> bytes);
            }
            w.write(target);
        }
    }
}
