package exo.engine.java.forward;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Small float-array kernels for the parts of a forward pass that are not matmuls. */
public final class VectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorOps() {
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float sum = exo.engine.java.tensor.Lanes.sum(acc);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** y[yOff..] += a * x[xOff..] */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, a);
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    /** y += x, elementwise over n. */
    public static void add(float[] x, float[] y, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, y, i).add(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] += x[i];
        }
    }

    /**
     * RMSNorm of row {@code row} (width n) of x into out, times weight: as llama.cpp's
     * ggml_rms_norm, the mean square is summed in double, the scale applied in float.
     */
    public static void rmsNorm(float[] x, int off, float[] weight, float eps, float[] out, int outOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            sum += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt((float) (sum / n) + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[off + i] * scale * weight[i];
        }
    }

    /** In place: x[i] = silu(x[i]) * y[i], the SwiGLU gate. */
    public static void swiglu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float g = x[i];
            x[i] = g / (1f + (float) Math.exp(-g)) * y[i];
        }
    }

    /** In place: x[i] = gelu(x[i]) * y[i], the GeGLU gate. */
    public static void geglu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] = gelu(x[i]) * y[i];
        }
    }

    /**
     * ggml's gelu on the CPU (GGML_GELU_FP16): the tanh approximation looked up in a table of
     * F16 inputs and outputs, so x is rounded to F16 and so is the result; 0 below -10, x above 10.
     */
    public static float gelu(float x) {
        if (x <= -10f) {
            return 0f;
        }
        if (x >= 10f) {
            return x;
        }
        float f = Float.float16ToFloat(Float.floatToFloat16(x));
        float y = (float) (0.5f * f * (1.0 + Math.tanh(0.7978845608f * f * (1.0f + 0.044715f * f * f))));
        return Float.float16ToFloat(Float.floatToFloat16(y));
    }

    public static float silu(float x) {
        return x / (1f + (float) Math.exp(-x));
    }

    public static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    /** In place softmax over x[0, n). */
    public static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[i] *= inv;
        }
    }
}
