package exo.engine.llamacpp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The b4916 struct layouts against the library itself: the defaults llama.cpp documents (and its
 * disassembly stores) must read back at the offsets our layouts give.
 */
class LlamaLayoutsTest {

    @Test
    void libraryIsThePinnedBuild() {
        LlamaLibrary library = LlamaLibrary.bundled();
        assertEquals(4916, library.buildNumber());
        assertEquals("c6af2161", library.commit());
    }

    @Test
    void sizesAreThoseOfTheC() {
        assertEquals(64, LlamaLayouts.MODEL_PARAMS.byteSize());
        assertEquals(120, LlamaLayouts.CONTEXT_PARAMS.byteSize());
        assertEquals(56, LlamaLayouts.BATCH.byteSize());
        assertEquals(48, LlamaLayouts.offset(LlamaLayouts.BATCH, "logits"));
    }

    @Test
    void modelDefaultsReadBack() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = LlamaLibrary.bundled().api().llama_model_default_params(arena);
            assertEquals(64, p.byteSize());
            assertEquals(MemorySegment.NULL, p.get(ADDRESS, field(Struct.MODEL, "devices")));
            assertEquals(0, p.get(JAVA_INT, field(Struct.MODEL, "n_gpu_layers")), "CPU build: no GPU layers");
            assertEquals(1, p.get(JAVA_INT, field(Struct.MODEL, "split_mode")), "LLAMA_SPLIT_MODE_LAYER");
            assertEquals(0, p.get(JAVA_INT, field(Struct.MODEL, "main_gpu")));
            assertEquals(false, p.get(JAVA_BOOLEAN, field(Struct.MODEL, "vocab_only")));
            assertEquals(true, p.get(JAVA_BOOLEAN, field(Struct.MODEL, "use_mmap")));
            assertEquals(false, p.get(JAVA_BOOLEAN, field(Struct.MODEL, "use_mlock")));
            assertEquals(false, p.get(JAVA_BOOLEAN, field(Struct.MODEL, "check_tensors")));
        }
    }

    @Test
    void contextDefaultsReadBack() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = LlamaLibrary.bundled().api().llama_context_default_params(arena);
            assertEquals(120, p.byteSize());
            assertEquals(512, p.get(JAVA_INT, field(Struct.CONTEXT, "n_ctx")));
            assertEquals(2048, p.get(JAVA_INT, field(Struct.CONTEXT, "n_batch")));
            assertEquals(512, p.get(JAVA_INT, field(Struct.CONTEXT, "n_ubatch")));
            assertEquals(1, p.get(JAVA_INT, field(Struct.CONTEXT, "n_seq_max")));
            assertEquals(4, p.get(JAVA_INT, field(Struct.CONTEXT, "n_threads")), "GGML_DEFAULT_N_THREADS");
            assertEquals(4, p.get(JAVA_INT, field(Struct.CONTEXT, "n_threads_batch")));
            assertEquals(-1, p.get(JAVA_INT, field(Struct.CONTEXT, "rope_scaling_type")), "UNSPECIFIED");
            assertEquals(-1, p.get(JAVA_INT, field(Struct.CONTEXT, "pooling_type")), "UNSPECIFIED");
            assertEquals(-1, p.get(JAVA_INT, field(Struct.CONTEXT, "attention_type")), "UNSPECIFIED");
            assertEquals(-1.0f, p.get(JAVA_FLOAT, field(Struct.CONTEXT, "yarn_ext_factor")));
            assertEquals(1.0f, p.get(JAVA_FLOAT, field(Struct.CONTEXT, "yarn_attn_factor")));
            assertEquals(32.0f, p.get(JAVA_FLOAT, field(Struct.CONTEXT, "yarn_beta_fast")));
            assertEquals(1.0f, p.get(JAVA_FLOAT, field(Struct.CONTEXT, "yarn_beta_slow")));
            assertEquals(-1.0f, p.get(JAVA_FLOAT, field(Struct.CONTEXT, "defrag_thold")));
            assertEquals(1, p.get(JAVA_INT, field(Struct.CONTEXT, "type_k")), "GGML_TYPE_F16");
            assertEquals(1, p.get(JAVA_INT, field(Struct.CONTEXT, "type_v")), "GGML_TYPE_F16");
            assertEquals(false, p.get(JAVA_BOOLEAN, field(Struct.CONTEXT, "logits_all")));
            assertEquals(false, p.get(JAVA_BOOLEAN, field(Struct.CONTEXT, "embeddings")));
            assertEquals(true, p.get(JAVA_BOOLEAN, field(Struct.CONTEXT, "offload_kqv")));
            assertEquals(false, p.get(JAVA_BOOLEAN, field(Struct.CONTEXT, "flash_attn")));
            assertEquals(true, p.get(JAVA_BOOLEAN, field(Struct.CONTEXT, "no_perf")));
            assertEquals(MemorySegment.NULL, p.get(ADDRESS, field(Struct.CONTEXT, "abort_callback")));
            assertEquals(MemorySegment.NULL, p.get(ADDRESS, field(Struct.CONTEXT, "abort_callback_data")));
        }
    }

    private enum Struct { MODEL, CONTEXT }

    private static long field(Struct struct, String name) {
        return LlamaLayouts.offset(struct == Struct.MODEL ? LlamaLayouts.MODEL_PARAMS : LlamaLayouts.CONTEXT_PARAMS, name);
    }
}
