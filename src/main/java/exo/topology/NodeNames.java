package exo.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each node of a cluster is called in messages and tables: its name (the host name unless
 * {@code --name} chose one) where no other node has it, else the name with a short piece of its
 * id ("vm-231c", "vm-b457"), as short as tells the nodes of that name apart. Two exo processes on
 * one home have ids that differ only in their "-2" ending, so that ending is kept ("vm-583d",
 * "vm-583d-2"). The full id is used only where nothing shorter is unique (a label that another
 * node has as its plain name, say), so a label always names exactly one node.
 */
public final class NodeNames {
    /** Characters of the id a label starts with; more where they do not tell nodes apart. */
    static final int SHORT = 4;
    private static final Pattern CLAIM = Pattern.compile("^(.*?)(-\\d+)?$");

    private NodeNames() {
    }

    /**
     * Each node's label, by id, for the nodes {@code nameById} holds (id to name).
     *
     * @return id to label, in {@code nameById}'s order; no two labels alike
     */
    public static Map<String, String> labels(Map<String, String> nameById) {
        Map<String, List<String>> idsByName = new LinkedHashMap<>();
        nameById.forEach((id, name) -> idsByName.computeIfAbsent(Objects.requireNonNull(name, "name of " + id),
                n -> new ArrayList<>()).add(id));
        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, List<String>> group : idsByName.entrySet()) {
            List<String> ids = group.getValue();
            if (ids.size() == 1) {
                labels.put(ids.getFirst(), group.getKey());
            } else {
                labels.putAll(disambiguated(group.getKey(), ids));
            }
        }
        // A node literally named like another's label ("vm-231c"): both go by name and full id.
        Map<String, Integer> uses = new HashMap<>();
        labels.values().forEach(l -> uses.merge(l, 1, Integer::sum));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : nameById.entrySet()) {
            String label = labels.get(e.getKey());
            out.put(e.getKey(), uses.get(label) > 1 ? e.getValue() + " (" + e.getKey() + ")" : label);
        }
        return out;
    }

    /** Labels for nodes sharing {@code name}: the shortest id pieces, from {@link #SHORT} up, that differ. */
    private static Map<String, String> disambiguated(String name, List<String> ids) {
        int longest = ids.stream().mapToInt(String::length).max().orElse(0);
        for (int chars = SHORT; chars <= longest; chars++) {
            Map<String, String> labels = new HashMap<>();
            for (String id : ids) {
                labels.put(id, name + "-" + shortId(id, chars));
            }
            if (labels.values().stream().distinct().count() == ids.size()) {
                return labels;
            }
        }
        Map<String, String> labels = new HashMap<>();
        ids.forEach(id -> labels.put(id, name + " (" + id + ")"));
        return labels;
    }

    /**
     * The first {@code chars} characters of an id (after exo's "exo-" prefix), with the "-N" a
     * second process on one home adds: "exo-583d4162bfed6cb5-2" at 4 is "583d-2".
     */
    static String shortId(String id, int chars) {
        if (chars < 1) {
            throw new IllegalArgumentException("a short id of " + chars + " characters");
        }
        String rest = id.startsWith("exo-") && id.length() > 4 ? id.substring(4) : id;
        Matcher m = CLAIM.matcher(rest);
        m.matches();
        String base = m.group(1);
        String claim = m.group(2) == null ? "" : m.group(2);
        if (base.isEmpty() || base.length() <= chars) {
            return rest;
        }
        return base.substring(0, chars) + claim;
    }
}
