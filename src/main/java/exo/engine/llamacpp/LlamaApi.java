package exo.engine.llamacpp;


import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static exo.engine.llamacpp.NativeBinding.call;
import static exo.engine.llamacpp.NativeBinding.run;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Downcall handles for the part of llama.h (build b4916) this package uses, one Java method per C
 * function, named as in C. Each method's comment is the C declaration it binds. No policy here:
 * null checks and error codes are left to the callers.
 */
final class LlamaApi {

    private final MethodHandle backendInit;
    private final MethodHandle logSet;
    private final MethodHandle modelDefaultParams;
    private final MethodHandle contextDefaultParams;
    private final MethodHandle modelLoadFromFile;
    private final MethodHandle modelFree;
    private final MethodHandle initFromModel;
    private final MethodHandle free;
    private final MethodHandle modelGetVocab;
    private final MethodHandle modelNEmbd;
    private final MethodHandle modelNLayer;
    private final MethodHandle vocabNTokens;
    private final MethodHandle vocabBos;
    private final MethodHandle vocabEos;
    private final MethodHandle vocabIsEog;
    private final MethodHandle vocabGetAddBos;
    private final MethodHandle tokenize;
    private final MethodHandle tokenToPiece;
    private final MethodHandle nCtx;
    private final MethodHandle nBatch;
    private final MethodHandle decode;
    private final MethodHandle getLogitsIth;
    private final MethodHandle kvSelfClear;
    private final MethodHandle printSystemInfo;

    LlamaApi(SymbolLookup lookup) {
        NativeBinding b = new NativeBinding(lookup);
        backendInit = b.bind("llama_backend_init", FunctionDescriptor.ofVoid());
        logSet = b.bind("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        modelDefaultParams = b.bind("llama_model_default_params", FunctionDescriptor.of(LlamaLayouts.MODEL_PARAMS));
        contextDefaultParams = b.bind("llama_context_default_params", FunctionDescriptor.of(LlamaLayouts.CONTEXT_PARAMS));
        modelLoadFromFile = b.bind("llama_model_load_from_file",
                FunctionDescriptor.of(ADDRESS, ADDRESS, LlamaLayouts.MODEL_PARAMS));
        modelFree = b.bind("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        initFromModel = b.bind("llama_init_from_model",
                FunctionDescriptor.of(ADDRESS, ADDRESS, LlamaLayouts.CONTEXT_PARAMS));
        free = b.bind("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        modelGetVocab = b.bind("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        modelNEmbd = b.bind("llama_model_n_embd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        modelNLayer = b.bind("llama_model_n_layer", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabNTokens = b.bind("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabBos = b.bind("llama_vocab_bos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabEos = b.bind("llama_vocab_eos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        vocabIsEog = b.bind("llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
        vocabGetAddBos = b.bind("llama_vocab_get_add_bos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
        tokenize = b.bind("llama_tokenize", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
        tokenToPiece = b.bind("llama_token_to_piece", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BOOLEAN));
        nCtx = b.bind("llama_n_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nBatch = b.bind("llama_n_batch", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        decode = b.bind("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, LlamaLayouts.BATCH));
        getLogitsIth = b.bind("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        kvSelfClear = b.bind("llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));
        printSystemInfo = b.bind("llama_print_system_info", FunctionDescriptor.of(ADDRESS));
    }

    /** {@code void llama_backend_init(void);} "Call once at the start of the program". */
    void llama_backend_init() {
        run(() -> {
            backendInit.invokeExact();
        });
    }

    /** {@code const char * llama_print_system_info(void);} a static buffer, rewritten on each call. */
    String llama_print_system_info() {
        return NativeBinding.cString(call(() -> (MemorySegment) printSystemInfo.invokeExact())).strip();
    }

    /** {@code void llama_log_set(ggml_log_callback log_callback, void * user_data);} process-wide. */
    void llama_log_set(MemorySegment callback, MemorySegment userData) {
        run(() -> {
            logSet.invokeExact(callback, userData);
        });
    }

    /** {@code struct llama_model_params llama_model_default_params(void);} */
    MemorySegment llama_model_default_params(SegmentAllocator into) {
        return call(() -> (MemorySegment) modelDefaultParams.invokeExact(into));
    }

    /** {@code struct llama_context_params llama_context_default_params(void);} */
    MemorySegment llama_context_default_params(SegmentAllocator into) {
        return call(() -> (MemorySegment) contextDefaultParams.invokeExact(into));
    }

    /** {@code struct llama_model * llama_model_load_from_file(const char * path_model, struct llama_model_params params);} NULL on failure. */
    MemorySegment llama_model_load_from_file(MemorySegment path, MemorySegment params) {
        return call(() -> (MemorySegment) modelLoadFromFile.invokeExact(path, params));
    }

    /** {@code void llama_model_free(struct llama_model * model);} */
    void llama_model_free(MemorySegment model) {
        run(() -> {
            modelFree.invokeExact(model);
        });
    }

    /** {@code struct llama_context * llama_init_from_model(struct llama_model * model, struct llama_context_params params);} NULL on failure. */
    MemorySegment llama_init_from_model(MemorySegment model, MemorySegment params) {
        return call(() -> (MemorySegment) initFromModel.invokeExact(model, params));
    }

    /** {@code void llama_free(struct llama_context * ctx);} */
    void llama_free(MemorySegment ctx) {
        run(() -> {
            free.invokeExact(ctx);
        });
    }

    /** {@code const struct llama_vocab * llama_model_get_vocab(const struct llama_model * model);} */
    MemorySegment llama_model_get_vocab(MemorySegment model) {
        return call(() -> (MemorySegment) modelGetVocab.invokeExact(model));
    }

    /** {@code int32_t llama_model_n_embd(const struct llama_model * model);} */
    int llama_model_n_embd(MemorySegment model) {
        return (int) call(() -> (int) modelNEmbd.invokeExact(model));
    }

    /** {@code int32_t llama_model_n_layer(const struct llama_model * model);} */
    int llama_model_n_layer(MemorySegment model) {
        return (int) call(() -> (int) modelNLayer.invokeExact(model));
    }

    /** {@code int32_t llama_vocab_n_tokens(const struct llama_vocab * vocab);} */
    int llama_vocab_n_tokens(MemorySegment vocab) {
        return (int) call(() -> (int) vocabNTokens.invokeExact(vocab));
    }

    /** {@code llama_token llama_vocab_bos(const struct llama_vocab * vocab);} -1 (LLAMA_TOKEN_NULL) if none. */
    int llama_vocab_bos(MemorySegment vocab) {
        return (int) call(() -> (int) vocabBos.invokeExact(vocab));
    }

    /** {@code llama_token llama_vocab_eos(const struct llama_vocab * vocab);} -1 (LLAMA_TOKEN_NULL) if none. */
    int llama_vocab_eos(MemorySegment vocab) {
        return (int) call(() -> (int) vocabEos.invokeExact(vocab));
    }

    /** {@code bool llama_vocab_is_eog(const struct llama_vocab * vocab, llama_token token);} EOS, EOT, ... */
    boolean llama_vocab_is_eog(MemorySegment vocab, int token) {
        return (boolean) call(() -> (boolean) vocabIsEog.invokeExact(vocab, token));
    }

    /** {@code bool llama_vocab_get_add_bos(const struct llama_vocab * vocab);} */
    boolean llama_vocab_get_add_bos(MemorySegment vocab) {
        return (boolean) call(() -> (boolean) vocabGetAddBos.invokeExact(vocab));
    }

    /**
     * {@code int32_t llama_tokenize(const struct llama_vocab * vocab, const char * text, int32_t text_len,
     * llama_token * tokens, int32_t n_tokens_max, bool add_special, bool parse_special);}
     * Returns the count, or minus the count needed when {@code n_tokens_max} is too small.
     */
    int llama_tokenize(MemorySegment vocab, MemorySegment text, int textLength, MemorySegment tokens,
                       int maxTokens, boolean addSpecial, boolean parseSpecial) {
        return (int) call(() -> (int) tokenize.invokeExact(vocab, text, textLength, tokens, maxTokens, addSpecial, parseSpecial));
    }

    /**
     * {@code int32_t llama_token_to_piece(const struct llama_vocab * vocab, llama_token token, char * buf,
     * int32_t length, int32_t lstrip, bool special);} No NUL written; minus the length needed if
     * {@code length} is too small.
     */
    int llama_token_to_piece(MemorySegment vocab, int token, MemorySegment buf, int length, int lstrip,
                             boolean special) {
        return (int) call(() -> (int) tokenToPiece.invokeExact(vocab, token, buf, length, lstrip, special));
    }

    /** {@code uint32_t llama_n_ctx(const struct llama_context * ctx);} */
    int llama_n_ctx(MemorySegment ctx) {
        return (int) call(() -> (int) nCtx.invokeExact(ctx));
    }

    /** {@code uint32_t llama_n_batch(const struct llama_context * ctx);} */
    int llama_n_batch(MemorySegment ctx) {
        return (int) call(() -> (int) nBatch.invokeExact(ctx));
    }

    /**
     * {@code int32_t llama_decode(struct llama_context * ctx, struct llama_batch batch);}
     * 0 ok; 1 no KV slot for the batch; 2 aborted; negative: error.
     */
    int llama_decode(MemorySegment ctx, MemorySegment batch) {
        return (int) call(() -> (int) decode.invokeExact(ctx, batch));
    }

    /**
     * {@code float * llama_get_logits_ith(struct llama_context * ctx, int32_t i);} logits of the
     * i-th token of the last batch (n_vocab floats); NULL for a token without output.
     */
    MemorySegment llama_get_logits_ith(MemorySegment ctx, int i) {
        return call(() -> (MemorySegment) getLogitsIth.invokeExact(ctx, i));
    }

    /** {@code void llama_kv_self_clear(struct llama_context * ctx);} "both cell info is erased and KV data is zeroed". */
    void llama_kv_self_clear(MemorySegment ctx) {
        run(() -> {
            kvSelfClear.invokeExact(ctx);
        });
    }
}
