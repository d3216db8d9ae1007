package io.qmeter.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * One request rate of a plan: absolute (requests per second) or a fraction of each
 * configuration's saturation point (found by a saturation search first).
 *
 * <pre>{@code
 * RatePoint.absolute(2.5).label();            // "2.5rps"
 * RatePoint.fractionOfSaturation(0.8).label(); // "0.8sat"
 * }</pre>
 *
 * @param kind  absolute or relative to saturation
 * @param value requests per second, or the fraction (&gt; 0, at most 4)
 */
public record RatePoint(Kind kind, double value) {

    /** How the value is meant. */
    public enum Kind {
        /** Requests per second. */
        ABSOLUTE,
        /** A fraction of the configuration's saturation point. */
        FRACTION_OF_SATURATION
    }

    /** Validates the rate. */
    public RatePoint {
        Objects.requireNonNull(kind, "kind");
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("rate must be > 0 and finite, was " + value);
        }
        if (kind == Kind.FRACTION_OF_SATURATION && value > 4) {
            throw new IllegalArgumentException("fraction of saturation must be <= 4, was " + value);
        }
    }

    /**
     * An absolute rate.
     *
     * @param requestsPerSecond &gt; 0
     * @return the rate
     */
    public static RatePoint absolute(double requestsPerSecond) {
        return new RatePoint(Kind.ABSOLUTE, requestsPerSecond);
    }

    /**
     * A rate relative to the configuration's saturation point.
     *
     * @param fraction e.g. 0.8
     * @return the rate
     */
    public static RatePoint fractionOfSaturation(double fraction) {
        return new RatePoint(Kind.FRACTION_OF_SATURATION, fraction);
    }

    /**
     * Whether the rate needs the saturation point first.
     *
     * @return true for a fraction of saturation
     */
    public boolean isRelative() {
        return kind == Kind.FRACTION_OF_SATURATION;
    }

    /**
     * The rate in requests per second, given the configuration's saturation point.
     *
     * @param saturationRate the saturation point in req/s (ignored for an absolute rate)
     * @return requests per second
     */
    public double resolve(double saturationRate) {
        return isRelative() ? value * saturationRate : value;
    }

    /**
     * The stable label used in run keys: the value with up to 6 significant digits and a unit,
     * {@code "4rps"}, {@code "0.25rps"}, {@code "0.8sat"}.
     *
     * @return the label
     */
    public String label() {
        String v = BigDecimal.valueOf(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        return v + (isRelative() ? "sat" : "rps");
    }

    @Override
    public String toString() {
        return label();
    }
}
