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
        return Map.of("name", name(), "process", "poisson", "ratePerSecond", ratePerSecond);
    }
}
