package io.qmeter.load;

import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;

/**
 * Poisson arrivals: exponential inter-arrival times with mean {@code 1 / ratePerSecond}, seeded.
 * The first request is due at offset 0 (as vLLM's {@code bench serve}).
 *
 * <pre>{@code
 * ArrivalProcess a = new PoissonArrivals(10.0);   // or QMeter.poisson(10)
 * }</pre>
 *
 * @param ratePerSecond mean arrival rate, &gt; 0
 */
public record PoissonArrivals(double ratePerSecond) implements ArrivalProcess {

    /** Validates the rate. */
    public PoissonArrivals {
        ConstantArrivals.checkRate(ratePerSecond);
    }

    @Override
    public String name() {
        return "poisson(" + ratePerSecond + "/s)";
    }

    @Override
    public PrimitiveIterator.OfLong offsetsNanos(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double rate = ratePerSecond;
        return new RenewalOffsets(() -> -Math.log1p(-rng.nextDouble()) / rate);
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("name", name(), "process", "poisson", "ratePerSecond", ratePerSecond, "schedule",
                "poisson: independent exponential gaps (the count in a short run varies)");
    }

    /**
     * A Poisson schedule with exactly {@code round(rate × span)} arrivals in {@code span}: the
     * process conditioned on its count (the arrival times are then uniform order statistics), so a
     * short run offers its target rate instead of what one draw of the count gave (15 s at
     * 0.5 req/s: always 8 requests, not anywhere from 2 to 14).
     *
     * <pre>{@code
     * ArrivalProcess a = QMeter.poisson(0.5).exactly(Duration.ofSeconds(15));
     * }</pre>
     *
     * @param span the schedule's length, &gt; 0 (use it as the run's duration too)
     * @return the finite process
     */
    public ExactPoissonArrivals exactly(java.time.Duration span) {
        return new ExactPoissonArrivals(ratePerSecond, span);
    }
}
