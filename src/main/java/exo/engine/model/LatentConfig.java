package exo.engine.model;

import exo.gguf.GgufFormatException;

/**
 * DeepSeek's multi-head latent attention: queries through a rank-{@code qRank} bottleneck
 * ({@code attn_q_a}, its norm, {@code attn_q_b}; 0 for the "lite" models with a plain
 * {@code attn_q}), keys and values from one rank-{@code kvRank} latent plus a
 * {@code ropeDim}-wide roped key shared by all heads. Each head's key is {@code nopeDim} +
 * {@code ropeDim} wide, its value {@code valueDim}.
 *
 * @param split the file's layout: false, {@code attn_kv_b} expands the latent into per-head keys
 *              and values, cached as such (llama.cpp b4916); true, {@code attn_k_b} and
 *              {@code attn_v_b} are absorbed into the query and the output and only the latent
 *              and the roped key are cached (files converted since mid-2025)
 */
public record LatentConfig(int qRank, int kvRank, int nopeDim, int ropeDim, int valueDim, boolean split) {

    public LatentConfig {
        if (qRank < 0 || kvRank < 1 || nopeDim < 1 || ropeDim < 2 || valueDim < 1) {
            throw new GgufFormatException("latent attention ranks (" + qRank + ", " + kvRank + ") or head widths ("
                    + nopeDim + " + " + ropeDim + ", " + valueDim + ") are not positive");
        }
    }

    /** A head's query and key width. */
    public int keyDim() {
        return nopeDim + ropeDim;
    }

    /** Whether queries come from one plain projection (DeepSeek-V2-Lite). */
    public boolean lite() {
        return qRank == 0;
    }
}
