package io.qmeter.load;

import java.util.Map;
import java.util.PrimitiveIterator;

/**
 * Arrivals at a constant rate: request {@code i} is due at {@code i / ratePerSecond} (wrk2's
 * constant-throughput open loop).
 *
 * <pre>{@code
 * ArrivalProcess a = new ConstantArrivals(100);   // or QMeter.constant(100)
 * }</pre>
 *
 * @param ratePerSecond arrival rate, &gt; 0
 */
public record ConstantArrivals(double ratePerSecond) implements ArrivalProcess {

    /** Validates the rate. */
    public ConstantArrivals {
        checkRate(ratePerSecond);
    }

    static void checkRate(double ratePerSecond) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException(Double.isInfinite(ratePerSecond)
                    ? "rate must be finite, was " + ratePerSecond : "rate must be > 0, was " + number(ratePerSecond));
        }
    }

    /** Formats a number as a person wrote it: -1 rather than -1.0. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String name() {
        return "constant(" + ratePerSecond + "/s)";
    }

    @Override
    public PrimitiveIterator.OfLong offsetsNanos(long seed) {
        double rate = ratePerSecond;
        return new PrimitiveIterator.OfLong() {
            private long i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public long nextLong() {
                return Math.round(i++ / rate * 1e9);
            }
        };
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("name", name(), "process", "constant", "ratePerSecond", ratePerSecond);
    }
}
