package exo.cli;

import exo.engine.InferenceEngine;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.llamacpp.ContextOptions;
import exo.engine.llamacpp.LlamaCppEngine;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The engines a command can run a whole model with. */
enum EngineKind {
    JAVA("java"), LLAMA_CPP("llama.cpp");

    private final String label;

    EngineKind(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Opens the whole model at {@code path}; {@code context} 0 means the model's own (java) or 4096 (llama.cpp). */
    InferenceEngine open(Path path, WorkerPool pool, int threads, int context) throws IOException {
        return switch (this) {
            case JAVA -> JavaEngine.open(path, 0, -1, pool, context);
            // llama.cpp allocates its whole KV cache up front, so it gets a modest default.
            case LLAMA_CPP -> LlamaCppEngine.open(path, 0, -1, ContextOptions.of(threads, context > 0 ? context : 4096));
        };
    }

    static final class Converter implements ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            for (EngineKind k : values()) {
                if (k.label.equalsIgnoreCase(value)) {
                    return k;
                }
            }
            throw new TypeConversionException("'" + value + "' is not an engine (java or llama.cpp)");
        }
    }
}
