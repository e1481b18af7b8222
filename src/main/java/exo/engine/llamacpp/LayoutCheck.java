package exo.engine.llamacpp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The sizes of the llama.h structs passed by value, read from the library itself: how many bytes
 * {@code llama_model_default_params} and {@code llama_context_default_params} write. A build that
 * adds or drops a field writes more or fewer, and is refused before a struct of the wrong size
 * crosses the boundary; this holds for a library that says nothing about its build number.
 *
 * <p>How: each struct is larger than 16 bytes, so on x86-64 SysV and AArch64 the caller passes a
 * buffer for it. The function is bound here as returning a {@value #PROBE_BYTES}-byte struct
 * (the same convention, and far more than any build's struct), into a buffer filled with a
 * pattern; the last byte that no longer holds the pattern, over two patterns, is the end of the
 * last field written. Padding after it may be left unwritten, so the end must lie in the last
 * eight bytes of exo's layout.
 */
final class LayoutCheck {

    static final long PROBE_BYTES = 512;
    private static final StructLayout PROBE = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(PROBE_BYTES / JAVA_LONG.byteSize(), JAVA_LONG));

    private LayoutCheck() {
    }

    /** Refuses (one line) a library whose default-params structs are not exo's layouts' size. */
    static void verify(SymbolLookup lookup) {
        expect(lookup, "llama_model_default_params", LlamaLayouts.MODEL_PARAMS);
        expect(lookup, "llama_context_default_params", LlamaLayouts.CONTEXT_PARAMS);
    }

    private static void expect(SymbolLookup lookup, String function, StructLayout layout) {
        long written = writtenBytes(lookup, function);
        if (written <= layout.byteSize() - 8 || written > layout.byteSize()) {
            throw new LlamaCppException("the llama.cpp library's " + function + " writes " + written + " bytes; exo's "
                    + layout.name().orElse("struct") + " is " + layout.byteSize() + " (llama.cpp build "
                    + LlamaLibrary.EXPECTED_BUILD + ")");
        }
    }

    /** The end of the last byte {@code function} (a struct-returning {@code f(void)}) writes. */
    static long writtenBytes(SymbolLookup lookup, String function) {
        MethodHandle handle = new NativeBinding(lookup).bind(function, FunctionDescriptor.of(PROBE));
        long end = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (byte pattern : new byte[] {(byte) 0xA5, (byte) 0x5A}) {
                MemorySegment buffer = arena.allocate(PROBE).fill(pattern);
                SegmentAllocator into = (size, alignment) -> buffer.asSlice(0, size);
                MemorySegment result = (MemorySegment) handle.invokeExact(into);
                for (long i = result.byteSize() - 1; i >= end; i--) {
                    if (result.get(JAVA_BYTE, i) != pattern) {
                        end = i + 1;
                        break;
                    }
                }
            }
        } catch (Throwable t) {
            throw NativeBinding.unexpected(t);
        }
        return end;
    }
}
