package exo.engine.llamacpp;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Links functions of the llama.cpp library by name, for the bindings of llama.h
 * ({@link LlamaApi}) and of ggml ({@code exo.engine.ggml}): a missing symbol is a one-line
 * error naming it and the build the bindings were written for.
 */
public final class NativeBinding {
    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup symbols;

    public NativeBinding(SymbolLookup symbols) {
        this.symbols = symbols;
    }

    public SymbolLookup symbols() {
        return symbols;
    }

    /** A downcall handle for {@code name} with {@code descriptor}. */
    public MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = symbols.find(name).orElseThrow(() -> new LlamaCppException(
                "the llama.cpp library lacks " + name + " (expected build " + LlamaLibrary.EXPECTED_BUILD + ")"));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    /**
     * What a failed {@code invokeExact} becomes: a downcall throws no checked exception of its
     * own, so anything here is a binding bug (or an error to rethrow as it is).
     */
    public static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("a llama.cpp or ggml downcall failed", t);
    }
}
