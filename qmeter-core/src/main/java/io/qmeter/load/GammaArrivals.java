package io.qmeter.load;

import java.util.Map;
import java.util.PrimitiveIterator;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * Gamma-distributed inter-arrival times with a burstiness factor, as vLLM's {@code --burstiness}:
 * shape = burstiness, scale = 1 / (rate × burstiness), so the mean rate stays {@code ratePerSecond}
 * and the coefficient of variation of the gaps is {@code 1 / sqrt(burstiness)}. Burstiness 1 is
 * Poisson; below 1 is burstier, above 1 more regular.
 *
 * <pre>{@code
 * ArrivalProcess bursty = new GammaArrivals(10.0, 0.5);   // or QMeter.gamma(10, 0.5)
 * }</pre>
 *
 * @param ratePerSecond mean arrival rate, &gt; 0
 * @param burstiness    gamma shape, &gt; 0
 */
public record GammaArrivals(double ratePerSecond, double burstiness) implements ArrivalProcess {

    /** Validates the parameters. */
    public GammaArrivals {
        ConstantArrivals.checkRate(ratePerSecond);
        if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
            throw new IllegalArgumentException("burstiness must be > 0 and finite, was " + burstiness);
        }
    }

    @Override
    public String name() {
        return "gamma(" + ratePerSecond + "/s, burstiness " + burstiness + ")";
    }

    @Override
    public PrimitiveIterator.OfLong offsetsNanos(long seed) {
        GammaDistribution gamma = new GammaDistribution(new Well19937c(seed), burstiness,
                1.0 / (ratePerSecond * burstiness));
        return new RenewalOffsets(gamma::sample);
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("name", name(), "process", "gamma", "ratePerSecond", ratePerSecond,
                "burstiness", burstiness);
    }
}
