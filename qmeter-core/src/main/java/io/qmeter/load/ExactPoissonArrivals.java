package io.qmeter.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;

/**
 * Poisson arrivals conditioned on their count: exactly {@code n = max(1, round(rate × span))}
 * arrivals in {@code [0, span)}. Given its count a Poisson process's arrival times are independent
 * and uniform over the span, so the schedule is the first request at 0 (as in {@link PoissonArrivals})
 * and {@code n − 1} sorted uniform draws; gaps stay exponential-like, but the count does not vary.
 * For short runs, where one draw of a Poisson count is far from its mean (15 s at 0.5 req/s gives
 * 2 to 14 requests). Results name it and say "conditioned on the count".
 *
 * <pre>{@code
 * ArrivalProcess a = new PoissonArrivals(0.5).exactly(Duration.ofSeconds(15));   // 8 arrivals
 * }</pre>
 *
 * @param ratePerSecond the target rate, &gt; 0
 * @param span          the schedule's length, &gt; 0
 */
public record ExactPoissonArrivals(double ratePerSecond, Duration span) implements ArrivalProcess {

    /** Validates the rate and the span, and that the count fits. */
    public ExactPoissonArrivals {
        ConstantArrivals.checkRate(ratePerSecond);
        Objects.requireNonNull(span, "span");
        if (span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException("span must be > 0, was " + span);
        }
        double n = ratePerSecond * (span.toNanos() / 1e9);
        if (n > 1 << 26) {
            throw new IllegalArgumentException("rate × span must be at most " + (1 << 26) + " arrivals for an exact "
                    + "count, was " + n + "; use PoissonArrivals for long runs");
        }
    }

    /**
     * The number of arrivals.
     *
     * @return {@code max(1, round(rate × span))}
     */
    public int count() {
        return (int) Math.max(1, Math.round(ratePerSecond * (span.toNanos() / 1e9)));
    }

    @Override
    public String name() {
        return "poisson-exact(" + ratePerSecond + "/s, " + count() + " in " + span + ")";
    }

    @Override
    public boolean isFinite() {
        return true;
    }

    @Override
    public PrimitiveIterator.OfLong offsetsNanos(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = count();
        long spanNanos = span.toNanos();
        long[] offsets = new long[n];
        for (int i = 1; i < n; i++) {
            offsets[i] = (long) (rng.nextDouble() * spanNanos);
        }
        Arrays.sort(offsets); // offsets[0] stays 0
        return Arrays.stream(offsets).iterator();
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("name", name(), "process", "poisson-exact", "ratePerSecond", ratePerSecond,
                "spanNanos", span.toNanos(), "count", count(), "schedule",
                "poisson conditioned on the count: exactly " + count() + " arrivals, uniform order statistics");
    }
}
