package exo.models;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Any text as a models.yaml: a registry, or a ModelRegistryException (one line, exit 2); nothing else. */
class ModelsYamlFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void registriesParseOrAreRefused(byte[] data) {
        try {
            ModelRegistry.parse(new String(data, StandardCharsets.UTF_8), "models.yaml");
        } catch (ModelRegistryException refused) {
            // said in one line
        }
    }
}
