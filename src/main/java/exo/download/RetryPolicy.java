package exo.download;

import java.time.Duration;

/**
 * How often and how patiently to retry a request that failed with a connection error or a 5xx:
 * {@code attempts} tries in all, waiting {@code firstDelay}, then twice as long each time, at
 * most {@code maxDelay}. Tests use millisecond delays; users get seconds.
 */
public record RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(20));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("delays must be 0 <= first <= max");
        }
    }

    /** The wait before retry number {@code failures} (1 = after the first failure). */
    public Duration delay(int failures) {
        Duration d = firstDelay;
        for (int i = 1; i < failures && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
