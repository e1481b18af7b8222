package exo.engine.llamacpp;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The three structs of llama.h that cross the boundary by value, exactly as llama.cpp build
 * b4916 (commit c6af2161) lays them out on x86-64 SysV. Later builds reorder and add fields
 * (for example {@code tensor_buft_overrides}, {@code op_offload}, and {@code logits_all}
 * disappears), so these are only valid for the build {@link LlamaLibrary} checks for.
 *
 * <p>How the layout was verified (see package-info): disassembly of
 * {@code llama_{model,context}_default_params} in the shipped libjllama.so stores exactly 64
 * and 120 bytes at the offsets below; a C reconstruction compiled with gcc gives the same
 * {@code sizeof}/{@code offsetof} and reads the expected defaults back from the library; and
 * {@code LlamaLayoutsTest} reads the defaults back through these layouts on every test run.
 * Structs larger than 16 bytes are passed through memory (SysV), so size and field offsets
 * are all that must match.
 */
final class LlamaLayouts {

    private LlamaLayouts() {
    }

    /** {@code struct llama_model_params} (llama.h b4916), 64 bytes. */
    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),                     // ggml_backend_dev_t *, NULL-terminated
            JAVA_INT.withName("n_gpu_layers"),               // int32_t
            JAVA_INT.withName("split_mode"),                 // enum llama_split_mode
            JAVA_INT.withName("main_gpu"),                   // int32_t
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),                // const float *
            ADDRESS.withName("progress_callback"),           // llama_progress_callback
            ADDRESS.withName("progress_callback_user_data"), // void *
            ADDRESS.withName("kv_overrides"),                // const struct llama_model_kv_override *
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("use_mmap"),
            JAVA_BOOLEAN.withName("use_mlock"),
            JAVA_BOOLEAN.withName("check_tensors"),
            MemoryLayout.paddingLayout(4)
    ).withName("llama_model_params");

    /** {@code struct llama_context_params} (llama.h b4916), 120 bytes. */
    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),             // uint32_t, 0 = from model
            JAVA_INT.withName("n_batch"),           // uint32_t, logical max tokens per llama_decode
            JAVA_INT.withName("n_ubatch"),          // uint32_t, physical max batch
            JAVA_INT.withName("n_seq_max"),         // uint32_t
            JAVA_INT.withName("n_threads"),         // int32_t, generation
            JAVA_INT.withName("n_threads_batch"),   // int32_t, batch processing
            JAVA_INT.withName("rope_scaling_type"), // enum llama_rope_scaling_type
            JAVA_INT.withName("pooling_type"),      // enum llama_pooling_type
            JAVA_INT.withName("attention_type"),    // enum llama_attention_type
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),     // uint32_t
            JAVA_FLOAT.withName("defrag_thold"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"),            // ggml_backend_sched_eval_callback
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),            // enum ggml_type
            JAVA_INT.withName("type_v"),            // enum ggml_type
            JAVA_BOOLEAN.withName("logits_all"),    // DEPRECATED in b4916: set llama_batch.logits instead
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("flash_attn"),
            JAVA_BOOLEAN.withName("no_perf"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"),     // ggml_abort_callback
            ADDRESS.withName("abort_callback_data")
    ).withName("llama_context_params");

    /** {@code struct llama_batch} (llama.h b4916), 56 bytes; every array has n_tokens entries. */
    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),    // llama_token *, used when embd is NULL
            ADDRESS.withName("embd"),     // float *, n_tokens x n_embd
            ADDRESS.withName("pos"),      // llama_pos *
            ADDRESS.withName("n_seq_id"), // int32_t *
            ADDRESS.withName("seq_id"),   // llama_seq_id **
            ADDRESS.withName("logits")    // int8_t *, non-zero: output logits for this token
    ).withName("llama_batch");

    static long offset(StructLayout struct, String field) {
        return struct.byteOffset(PathElement.groupElement(field));
    }
}
