package exo.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Prometheus' text format, read as its parsers read it. */
record PrometheusSamples(Map<String, String> types, List<Sample> all) {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static PrometheusSamples parse(String text) {
        Map<String, String> types = new java.util.HashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertTrue(java.util.Set.of("counter", "gauge", "histogram").contains(p[3]), line);
                types.put(p[2], p[3]);
            } else if (line.startsWith("# HELP ") || line.isEmpty()) {
                continue;
            } else {
                var m = LINE.matcher(line);
                assertTrue(m.matches(), "not a Prometheus sample: '" + line + "'");
                Map<String, String> labels = new java.util.LinkedHashMap<>();
                if (m.group(2) != null) {
                    var l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                double v = m.group(3).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3));
                samples.add(new Sample(m.group(1), labels, v));
            }
        }
        return new PrometheusSamples(types, samples);
    }

    List<Sample> samples(String name) {
        return all.stream().filter(s -> s.name().equals(name)).toList();
    }

    java.util.Set<String> sampleNames() {
        return all.stream().map(Sample::name).collect(java.util.stream.Collectors.toSet());
    }

    double value(String name, String... labels) {
        Map<String, String> want = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        return all.stream().filter(s -> s.name().equals(name) && s.labels().equals(want)).mapToDouble(Sample::value)
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + want));
    }
}
