package exo.synthetic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/**
 * {@link QuantMixOracleTest}'s cases as a program, for a JVM started with {@code EXO_LLAMA_LIB}
 * naming a plain libllama of b4916 (LlamaBuildIT builds one and runs this): prints how many cases
 * ran and each difference, and exits 1 when there is one.
 */
public final class QuantMixOracleCheck {
    private QuantMixOracleCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("exo-quant-oracle");
        List<String> differences = new ArrayList<>();
        int cases = 0;
        for (Arguments a : QuantMixOracleTest.cases().toList()) {
            Object[] c = a.get();
            String d = QuantMixOracleTest.difference(dir, (String) c[0], (SyntheticModel) c[1], (String) c[2]);
            cases++;
            if (d != null) {
                differences.add(d);
            }
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        System.out.println(cases + " cases, " + differences.size() + " with other types than llama.cpp's quantizer gives");
        differences.forEach(System.out::println);
        System.exit(differences.isEmpty() && cases > 0 ? 0 : 1);
    }
}
