package exo.engine.llamacpp;

/** Pure functions over one position's logits. */
public final class Logits {

    private Logits() {
    }

    /** Index of the largest logit; the lowest index among equals, as llama.cpp's greedy sampler. */
    public static int argmax(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("no logits");
        }
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Probabilities, computed in double after subtracting the maximum so that exp cannot overflow. */
    public static double[] softmax(float[] logits) {
        float max = logits[argmax(logits)];
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((double) logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
