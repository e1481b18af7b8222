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

    /** A downcall through {@code invokeExact}, which declares {@code Throwable}. */
    @FunctionalInterface
    public interface Downcall<T> {
        T call() throws Throwable;
    }

    /** A downcall of a {@code void} function. */
    @FunctionalInterface
    public interface VoidDowncall {
        void call() throws Throwable;
    }

    /**
     * Runs a downcall and returns its result: the one place a binding turns {@code invokeExact}'s
     * {@code Throwable} into what it really is (see {@link #unexpected}).
     */
    public static <T> T call(Downcall<T> downcall) {
        try {
            return downcall.call();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Runs a downcall of a {@code void} function (see {@link #call}). */
    public static void run(VoidDowncall downcall) {
        try {
            downcall.call();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** A C string a function returned; "" for NULL. */
    public static String cString(MemorySegment p) {
        return MemorySegment.NULL.equals(p) ? "" : p.reinterpret(4096).getString(0);
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
