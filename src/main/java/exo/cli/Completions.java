package exo.cli;

import exo.models.ModelRegistry;
import exo.models.ModelSpec;
import java.util.Iterator;
import java.util.TreeSet;

/** What shell completion offers, from the bundled models.yaml (the completion scripts are generated at build time). */
final class Completions {
    private Completions() {
    }

    /** Every model id. */
    static final class ModelIds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ModelRegistry.bundled().all().stream().map(ModelSpec::id).iterator();
        }
    }

    /** Every quantization some model has (Q4_K_M, Q8_0, ...). */
    static final class Quants implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            TreeSet<String> quants = new TreeSet<>();
            ModelRegistry.bundled().all().forEach(m -> quants.addAll(m.quants().keySet()));
            return quants.iterator();
        }
    }
}
