package exo.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published GGUF file of one quantization: where it is on Hugging Face and how big.
 * Split files name their first part; {@code size} is then the total over {@code parts}, and
 * {@code partSizes} lists each part's size where they are known (empty otherwise).
 *
 * <p>Two kinds of split exist: llama.cpp's gguf-split ({@code NAME-00001-of-00009.gguf}, every
 * part a GGUF with its own header, which llama.cpp loads from the first part) and byte splits
 * ({@code NAME.gguf.part1of5}, one GGUF cut in pieces to be joined with cat).
 */
public record QuantFile(String quant, String repo, String file, long size, int parts, List<Long> partSizes) {
    private static final Pattern GGUF_SPLIT = Pattern.compile("(.*)-00001-of-(\\d{5})\\.gguf");
    private static final Pattern BYTE_SPLIT = Pattern.compile("(.*\\.gguf)\\.part1of(\\d+)");

    /** A file whose part sizes are not known. */
    public QuantFile(String quant, String repo, String file, long size, int parts) {
        this(quant, repo, file, size, parts, List.of());
    }

    public QuantFile {
        Objects.requireNonNull(quant, "quant");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(file, "file");
        partSizes = List.copyOf(partSizes);
        if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("repo '" + repo + "' is not ORG/NAME");
        }
        // Byte-split uploads ("X.gguf.part1of5", joined with cat) exist for the largest models.
        if (!file.endsWith(".gguf") && !BYTE_SPLIT.matcher(file).matches()) {
            throw new IllegalArgumentException("file '" + file + "' is not a .gguf file");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be at least 1");
        }
        Matcher split = GGUF_SPLIT.matcher(file);
        Matcher bytes = BYTE_SPLIT.matcher(file);
        if (split.matches() && Integer.parseInt(split.group(2)) != parts
                || bytes.matches() && Integer.parseInt(bytes.group(2)) != parts) {
            throw new IllegalArgumentException("file '" + file + "' names a different number of parts than parts: "
                    + parts);
        }
        if (parts > 1 && !split.matches() && !bytes.matches()) {
            throw new IllegalArgumentException("file '" + file + "' of " + parts + " parts must be the first part, "
                    + "NAME-00001-of-" + String.format(Locale.ROOT, "%05d", parts) + ".gguf (or NAME.gguf.part1of"
                    + parts + ")");
        }
        if (!partSizes.isEmpty()) {
            if (partSizes.size() != parts) {
                throw new IllegalArgumentException("part_sizes lists " + partSizes.size() + " sizes for " + parts
                        + " parts");
            }
            long sum = 0;
            for (long p : partSizes) {
                if (p <= 0 || sum > Long.MAX_VALUE - p) {
                    throw new IllegalArgumentException("part_sizes must be positive and add up to a file size");
                }
                sum += p;
            }
            if (sum != size) {
                throw new IllegalArgumentException("part_sizes add up to " + sum + ", not the size " + size);
            }
        }
    }

    /** Whether the parts are gguf-split files, each a GGUF of its own. */
    public boolean isGgufSplit() {
        return parts > 1 && GGUF_SPLIT.matcher(file).matches();
    }

    /** Whether the parts are byte ranges of one GGUF, to be concatenated. */
    public boolean isByteSplit() {
        return parts > 1 && BYTE_SPLIT.matcher(file).matches();
    }

    /** Every part's path in the repository, first to last (the file itself when not split). */
    public List<String> partFiles() {
        if (parts == 1) {
            return List.of(file);
        }
        List<String> out = new ArrayList<>(parts);
        Matcher split = GGUF_SPLIT.matcher(file);
        if (split.matches()) {
            for (int i = 1; i <= parts; i++) {
                out.add(String.format(Locale.ROOT, "%s-%05d-of-%05d.gguf", split.group(1), i, parts));
            }
            return out;
        }
        Matcher bytes = BYTE_SPLIT.matcher(file);
        if (!bytes.matches()) {
            throw new IllegalStateException("a file of " + parts + " parts that is neither kind of split: " + file);
        }
        for (int i = 1; i <= parts; i++) {
            out.add(bytes.group(1) + ".part" + i + "of" + parts);
        }
        return out;
    }
}
