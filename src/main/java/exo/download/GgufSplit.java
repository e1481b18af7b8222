package exo.download;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufHeader;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's gguf-split layout: a model's tensors spread over {@code NAME-00001-of-0000N.gguf}
 * .. {@code NAME-0000N-of-0000N.gguf}, each part a GGUF with its own header and data section
 * (tensor offsets relative to it). The first part carries the model's metadata; every part
 * carries {@code split.no} (u16, from 0), {@code split.count} (u16) and
 * {@code split.tensors.count} (i32, the tensors of all parts). llama.cpp finds the other parts
 * from the first one's name, as here.
 */
public final class GgufSplit {
    public static final String NO = "split.no";
    public static final String COUNT = "split.count";
    public static final String TENSORS = "split.tensors.count";
    private static final Pattern FIRST = Pattern.compile("(.*)-00001-of-(\\d{5})\\.gguf");

    private GgufSplit() {
    }

    /**
     * The files of the model whose first (or only) file is {@code file}: N names when it is
     * named as the first of N gguf-split parts, else the file alone.
     */
    public static List<String> partNames(String file) {
        Matcher m = FIRST.matcher(file);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 2) {
            return List.of(file);
        }
        int n = Integer.parseInt(m.group(2));
        List<String> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(String.format(Locale.ROOT, "%s-%05d-of-%05d.gguf", m.group(1), i, n));
        }
        return out;
    }

    /** {@code file}'s name without the gguf-split suffix: "NAME" for "NAME-00001-of-00009.gguf". */
    public static String stem(String fileName) {
        Matcher m = FIRST.matcher(fileName);
        return m.matches() ? m.group(1) : fileName.endsWith(".gguf")
                ? fileName.substring(0, fileName.length() - ".gguf".length()) : fileName;
    }

    /**
     * Checks that {@code parts} (headers in file order) are one split model: each part's
     * split.no is its place, split.count the number of parts, split.tensors.count the tensors
     * of all parts. A single file without split keys passes.
     *
     * @throws GgufFormatException naming the part that does not fit
     */
    public static void check(List<GgufHeader> parts, List<String> names) {
        int total = parts.stream().mapToInt(h -> h.tensors().size()).sum();
        for (int i = 0; i < parts.size(); i++) {
            GgufMetadata m = parts.get(i).metadata();
            if (parts.size() == 1 && !m.contains(COUNT)) {
                return;
            }
            int count = m.getInt(COUNT).orElse(1);
            int no = m.getInt(NO).orElse(0);
            int tensors = m.getInt(TENSORS).orElse(total);
            if (count != parts.size() || no != i || tensors != total) {
                throw new GgufFormatException(names.get(i) + ": split.no " + no + ", split.count " + count
                        + ", split.tensors.count " + tensors + " do not describe part " + (i + 1) + " of "
                        + parts.size() + " holding " + total + " tensors in all");
            }
        }
    }

    /** The model's metadata: the first part's without the split.* keys. */
    public static Map<String, GgufValue> modelMetadata(GgufHeader first) {
        Map<String, GgufValue> out = new LinkedHashMap<>(first.metadata().asMap());
        out.keySet().removeAll(List.of(NO, COUNT, TENSORS));
        return out;
    }
}
