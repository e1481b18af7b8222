package exo.engine.java;

/**
 * The weights of one transformer block (shapes as rows x cols; dim = embedding, q = heads x
 * head_dim, kv = kv_heads x head_dim).
 */
record LayerWeights(
        float[] attnNorm,   // [dim]
        Matrix wq,          // [q x dim]
        Matrix wk,          // [kv x dim]
        Matrix wv,          // [kv x dim]
        float[] bq,         // [q] or null (Qwen2 only)
        float[] bk,         // [kv] or null
        float[] bv,         // [kv] or null
        float[] qNorm,      // [head_dim] or null (Qwen3 only)
        float[] kNorm,      // [head_dim] or null
        Matrix wo,          // [dim x q]
        float[] ffnNorm,    // [dim]
        Matrix wGate,       // [ffn x dim]
        Matrix wUp,         // [ffn x dim]
        Matrix wDown) {     // [dim x ffn]
}
