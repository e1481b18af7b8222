package exo.download;

import exo.models.ModelRegistry;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model files on this machine: whole files in the Hugging Face cache and shards under the
 * exo home, each named by the models.yaml model and quantization it is, where it is one.
 * Removing a model deletes its snapshot links and shards, and a cache blob only when no other
 * snapshot still links to it (the cache is shared with other tools).
 */
public record LocalModels(HubCache hub, ShardStore shards, ModelRegistry registry) {
    private static final Pattern SHARD = Pattern.compile("(.+)\\.layers-(\\d+)-(\\d+)\\.gguf");

    /** One file: {@code layers} is "all" for a whole file, else "A-B" (inclusive). */
    public record Entry(String model, String quant, String layers, long bytes, Path path) {
    }

    /** Every model file found, registry models first (by id and quantization), then the others by path. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        Set<Path> known = new HashSet<>();
        for (ModelSpec m : registry.all()) {
            for (QuantFile q : m.quants().values()) {
                hub.find(q.repo(), q.file()).ifPresent(p -> {
                    known.add(p.toAbsolutePath().normalize());
                    out.add(new Entry(m.id(), q.quant(), "all", size(p), p));
                });
                for (Path shard : shardsOf(q)) {
                    known.add(shard.toAbsolutePath().normalize());
                    Matcher s = SHARD.matcher(shard.getFileName().toString());
                    s.matches();
                    out.add(new Entry(m.id(), q.quant(), s.group(2) + "-" + s.group(3), size(shard), shard));
                }
            }
        }
        List<Entry> others = new ArrayList<>();
        for (Path p : ggufsUnder(hub.root())) {
            if (p.toString().contains("/snapshots/") && known.add(p.toAbsolutePath().normalize())) {
                others.add(new Entry("-", "-", "all", size(p), p));
            }
        }
        for (Path p : ggufsUnder(shards.root())) {
            Matcher s = SHARD.matcher(p.getFileName().toString());
            if (known.add(p.toAbsolutePath().normalize())) {
                others.add(new Entry("-", "-", s.matches() ? s.group(2) + "-" + s.group(3) : "?", size(p), p));
            }
        }
        others.sort(Comparator.comparing(e -> e.path().toString()));
        out.addAll(others);
        return out;
    }

    /**
     * Deletes {@code model}'s files (of {@code quant}, or of every quantization when empty) and
     * returns what was deleted.
     */
    public List<Entry> remove(ModelSpec model, Optional<String> quant) throws IOException {
        List<Entry> removed = new ArrayList<>();
        for (Entry e : list()) {
            if (!e.model().equals(model.id()) || quant.isPresent() && !quant.get().equalsIgnoreCase(e.quant())) {
                continue;
            }
            if (e.layers().equals("all")) {
                QuantFile q = model.quants().get(e.quant());
                removeFromCache(q.repo(), e.path());
            } else {
                Files.delete(e.path());
            }
            removed.add(e);
        }
        return removed;
    }

    /** Deletes a snapshot's link, and its blob when no other snapshot of the repository links to it. */
    private void removeFromCache(String repo, Path snapshotFile) throws IOException {
        Path blob = snapshotFile.toRealPath();
        Files.delete(snapshotFile);
        if (blob.equals(snapshotFile.toAbsolutePath().normalize()) || !Files.exists(blob)) {
            return; // a plain file in the snapshot, not a link
        }
        Path snapshots = hub.repoDir(repo).resolve("snapshots");
        try (Stream<Path> links = Files.walk(snapshots)) {
            boolean stillLinked = links.filter(Files::isSymbolicLink).anyMatch(l -> {
                try {
                    return l.toRealPath().equals(blob);
                } catch (IOException gone) {
                    return false;
                }
            });
            if (!stillLinked) {
                Files.delete(blob);
            }
        }
    }

    /** The shards of {@code q}'s file: {@code STEM.layers-A-B.gguf} in its folder of the store. */
    private List<Path> shardsOf(QuantFile q) {
        HubFile f = new HubFile(q.repo(), q.file(), "main");
        Path dir = shards.path(f, 0, 1).getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                Matcher m = SHARD.matcher(p.getFileName().toString());
                return m.matches() && m.group(1).equals(GgufSplit.stem(f.file().substring(f.file().lastIndexOf('/') + 1)));
            }).sorted(Comparator.comparingInt(p -> layerStart(p))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int layerStart(Path shard) {
        Matcher m = SHARD.matcher(shard.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }

    private static List<Path> ggufsUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
