package exo.engine.ggml.graph;

import exo.engine.model.LayerTensors;
import java.lang.foreign.MemorySegment;

/** llama.cpp's {@code build_ffn} with parallel gate: down . (act(gate . x) * (up . x)). */
public final class DenseFfn {
    private DenseFfn() {
    }

    /** The gate's activation: SwiGLU's silu or GeGLU's tanh-approximated gelu. */
    public enum Activation { SILU, GELU }

    /** x: [dim, n]; returns [dim, n]. */
    public static MemorySegment build(GraphBuilder g, LayerTensors.Dense<MemorySegment, MemorySegment, MemorySegment> w,
                                      MemorySegment x, Activation act) {
        MemorySegment up = g.matmul(w.up(), x);                                                 // [ffn, n]
        MemorySegment gate = g.matmul(w.gate(), x);
        gate = act == Activation.SILU ? g.ops().ggml_silu(g.ctx(), gate) : g.ops().ggml_gelu(g.ctx(), gate);
        return g.matmul(w.down(), g.mul(gate, up));                                             // [dim, n]
    }
}
