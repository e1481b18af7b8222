package exo.engine.java.forward;

import exo.engine.model.LayerTensors;

/** down . (act(gate . x) * (up . x)), with SwiGLU's silu or GeGLU's gelu as the gate's activation. */
public final class DenseFfn {
    private DenseFfn() {
    }

    public enum Activation { SILU, GELU }

    /** x: [rows x dim]; returns [rows x dim]. */
    public static float[] forward(ForwardPass f, LayerTensors.Dense<Matrix, float[], MatrixStack> w, float[] x,
                                  Activation act) {
        float[] gate = f.project(w.gate(), x);
        float[] up = f.project(w.up(), x);
        if (act == Activation.SILU) {
            VectorOps.swiglu(gate, up, gate.length);
        } else {
            VectorOps.geglu(gate, up, gate.length);
        }
        return f.project(w.down(), gate);
    }
}
