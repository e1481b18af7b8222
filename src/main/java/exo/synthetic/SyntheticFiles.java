package exo.synthetic;

import exo.models.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The cache of synthetic models under the exo home ({@code synthetic/ID-QUANT.gguf}): a file
 * is written once, then reused. Before writing, the disk must hold it and the machine's memory
 * must be able to map it, or the request is refused with what is needed and what there is.
 */
public final class SyntheticFiles {
    /** Left free on the disk after the file is written. */
    private static final long DISK_MARGIN = 512L << 20;

    private final Path dir;

    public SyntheticFiles(Path dir) {
        this.dir = dir;
    }

    /** Where {@code spec} in {@code quant} is (or would be) cached. */
    public Path path(ModelSpec spec, String quant) {
        return dir.resolve(spec.id() + "-" + quant.toUpperCase(Locale.ROOT) + ".gguf");
    }

    /**
     * The cached file, written first if it is not there.
     *
     * @param usableMemory bytes of memory this machine can give the model
     * @throws IllegalArgumentException when the disk or the memory cannot hold it
     */
    public Path ensure(ModelSpec spec, String quant, long usableMemory, Consumer<String> status) throws IOException {
        Path file = path(spec, quant);
        if (Files.isRegularFile(file)) {
            status.accept("using the synthetic " + spec.id() + " " + quant + " at " + file + " (" + size(Files.size(file))
                    + ")");
            return file;
        }
        SyntheticModel model = SyntheticModel.of(spec, quant);
        long bytes = model.writer().fileSize();
        Files.createDirectories(dir);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (bytes + DISK_MARGIN > free) {
            throw new IOException("a synthetic " + spec.id() + " " + quant + " needs " + size(bytes)
                    + " on disk; " + dir + " has " + size(free) + " free");
        }
        if (bytes > usableMemory) {
            throw new IOException("a synthetic " + spec.id() + " " + quant + " needs " + size(bytes)
                    + " of memory to run; this machine has " + size(usableMemory) + " available");
        }
        status.accept("writing a synthetic " + spec.id() + " " + quant + " (random weights, " + size(bytes) + ") to "
                + file + "; it is kept for the next run");
        long t0 = System.nanoTime();
        model.write(file);
        status.accept(String.format(Locale.ROOT, "wrote %s in %.0f s", file.getFileName(), (System.nanoTime() - t0) / 1e9));
        return file;
    }

    static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
