package exo.serve;

/** A Prometheus histogram: counts per upper bound (cumulative when written), the sum and the count. */
final class Histogram {
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    Histogram(double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("histogram bounds must rise");
            }
        }
        this.bounds = bounds.clone();
        this.counts = new long[bounds.length];
    }

    synchronized void observe(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                counts[i]++;
                break;
            }
        }
        sum += value;
        count++;
    }

    synchronized void write(PrometheusText out, String name) {
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i];
            out.sample(name + "_bucket", cumulative, "le", PrometheusText.number(bounds[i]));
        }
        out.sample(name + "_bucket", count, "le", "+Inf");
        out.sample(name + "_sum", sum);
        out.sample(name + "_count", count);
    }
}
