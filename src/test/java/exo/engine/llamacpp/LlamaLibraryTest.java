package exo.engine.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which of the jar's libraries each platform loads (and that the jar has every one named). */
class LlamaLibraryTest {
    @Test
    void eachPlatformFindsItsLibraryInTheJar() {
        assertEquals(Optional.of("de/kherud/llama/Linux/x86_64/libjllama.so"), LlamaLibrary.resourceFor("Linux", "amd64"));
        assertEquals(Optional.of("de/kherud/llama/Linux/aarch64/libjllama.so"), LlamaLibrary.resourceFor("Linux", "aarch64"));
        assertEquals(Optional.of("de/kherud/llama/Mac/aarch64/libjllama.dylib"),
                LlamaLibrary.resourceFor("Mac OS X", "aarch64"));
        assertEquals(Optional.of("de/kherud/llama/Mac/x86_64/libjllama.dylib"),
                LlamaLibrary.resourceFor("Mac OS X", "x86_64"));
        assertEquals(Optional.of("de/kherud/llama/Windows/x86_64/jllama.dll"),
                LlamaLibrary.resourceFor("Windows 11", "amd64"));
        assertEquals(Optional.empty(), LlamaLibrary.resourceFor("Windows 11", "aarch64"));
        assertEquals(Optional.empty(), LlamaLibrary.resourceFor("Linux", "riscv64"));
        assertEquals(Optional.empty(), LlamaLibrary.resourceFor("FreeBSD", "amd64"));
        for (String[] p : new String[][] {{"Linux", "amd64"}, {"Linux", "aarch64"}, {"Mac OS X", "aarch64"},
            {"Mac OS X", "x86_64"}, {"Windows 11", "amd64"}}) {
            String resource = LlamaLibrary.resourceFor(p[0], p[1]).orElseThrow();
            assertNotNull(LlamaLibrary.class.getClassLoader().getResource(resource), resource + " is in the jar");
        }
    }

    @Test
    void theBundledLibraryIsTheExpectedBuild() {
        LlamaLibrary lib = LlamaLibrary.bundled();
        assertEquals(LlamaLibrary.EXPECTED_BUILD, lib.buildNumber());
        assertTrue(lib.symbols().find("ggml_backend_dev_count").isPresent(), "the device registry is exported");
    }
}
