package io.qmeter.workload;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * How prompt or output lengths (in tokens) are drawn: fixed, uniform, normal or lognormal, always
 * rounded and clamped to {@code [min, max]}. Normal and lognormal are given by the mean and standard
 * deviation of the lengths themselves (not of their logarithm).
 *
 * <pre>{@code
 * LengthDistribution in = LengthDistribution.lognormal(331, 331);   // mean 331, sd 331
 * int n = in.sample(new SplittableRandom(42));
 * }</pre>
 *
 * @param kind the family
 * @param a    fixed: the length; uniform: the lower bound; normal/lognormal: the mean
 * @param b    fixed: unused (0); uniform: the upper bound; normal/lognormal: the standard deviation
 * @param min  smallest length returned, ≥ 1
 * @param max  largest length returned, ≥ min
 */
public record LengthDistribution(Kind kind, double a, double b, int min, int max) {

    /** The distribution families. */
    public enum Kind {
        /** Always {@code a}. */
        FIXED,
        /** Uniform integers in {@code [a, b]}. */
        UNIFORM,
        /** Normal with mean {@code a} and standard deviation {@code b}. */
        NORMAL,
        /** Lognormal whose lengths have mean {@code a} and standard deviation {@code b}. */
        LOGNORMAL
    }

    /** Validates the parameters. */
    public LengthDistribution {
        Objects.requireNonNull(kind, "kind");
        if (min < 1) {
            throw new IllegalArgumentException("min length must be >= 1, was " + min);
        }
        if (max < min) {
            throw new IllegalArgumentException("max length must be >= min (" + min + "), was " + max);
        }
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("length parameters must be finite, were " + a + ", " + b);
        }
        switch (kind) {
            case FIXED -> {
                if (a < 1) {
                    throw new IllegalArgumentException("length must be >= 1, was " + (long) a);
                }
            }
            case UNIFORM -> {
                if (a < 1 || b < a) {
                    throw new IllegalArgumentException("uniform lengths need 1 <= low <= high, were [" + (long) a
                            + ", " + (long) b + "]");
                }
            }
            case NORMAL, LOGNORMAL -> {
                if (!(a > 0)) {
                    throw new IllegalArgumentException("mean length must be > 0, was " + a);
                }
                if (b < 0) {
                    throw new IllegalArgumentException("length standard deviation must be >= 0, was " + b);
                }
            }
            default -> throw new AssertionError(kind);
        }
    }

    /** Default upper clamp for distributed lengths. */
    public static final int DEFAULT_MAX = 32_768;

    /**
     * Always {@code n} tokens.
     *
     * @param n the length, ≥ 1
     * @return the distribution
     */
    public static LengthDistribution fixed(int n) {
        return new LengthDistribution(Kind.FIXED, n, 0, 1, Math.max(1, n));
    }

    /**
     * Uniform integers in {@code [low, high]}.
     *
     * @param low  smallest, ≥ 1
     * @param high largest, ≥ low
     * @return the distribution
     */
    public static LengthDistribution uniform(int low, int high) {
        return new LengthDistribution(Kind.UNIFORM, low, high, 1, Math.max(1, Math.max(low, high)));
    }

    /**
     * Normal lengths, rounded, clamped to {@code [1, 32768]}.
     *
     * @param mean mean length, &gt; 0
     * @param sd   standard deviation, ≥ 0
     * @return the distribution
     */
    public static LengthDistribution normal(double mean, double sd) {
        return new LengthDistribution(Kind.NORMAL, mean, sd, 1, DEFAULT_MAX);
    }

    /**
     * Lognormal lengths with the given mean and standard deviation (of the lengths), rounded,
     * clamped to {@code [1, 32768]}.
     *
     * @param mean mean length, &gt; 0
     * @param sd   standard deviation, ≥ 0
     * @return the distribution
     */
    public static LengthDistribution lognormal(double mean, double sd) {
        return new LengthDistribution(Kind.LOGNORMAL, mean, sd, 1, DEFAULT_MAX);
    }

    /**
     * A lognormal whose lengths, after clamping to {@code [min, max]}, have the given mean: the
     * unclamped mean is solved for (clamping a heavy tail would otherwise lower the mean), and the
     * standard deviation is {@code cv} times the unclamped mean.
     *
     * @param clampedMean the mean of the clamped lengths, in (min, max)
     * @param cv          coefficient of variation of the unclamped lognormal, &gt; 0
     * @param min         smallest length, ≥ 1
     * @param max         largest length
     * @return the distribution
     */
    public static LengthDistribution lognormalWithClampedMean(double clampedMean, double cv, int min, int max) {
        if (!(clampedMean > min && clampedMean < max)) {
            throw new IllegalArgumentException("mean length must lie in (" + min + ", " + max + "), was "
                    + clampedMean);
        }
        if (!(cv > 0)) {
            throw new IllegalArgumentException("cv must be > 0, was " + cv);
        }
        double lo = 1e-9;
        double hi = clampedMean * 1e3;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (clampedLognormalMean(mid, cv * mid, min, max) < clampedMean) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double m = (lo + hi) / 2;
        return new LengthDistribution(Kind.LOGNORMAL, m, cv * m, min, max);
    }

    /** E[clamp(X, lo, hi)] for a lognormal X with the given mean and sd (closed form). */
    static double clampedLognormalMean(double mean, double sd, double lo, double hi) {
        double s2 = Math.log1p((sd * sd) / (mean * mean));
        double s = Math.sqrt(s2);
        double mu = Math.log(mean) - s2 / 2;
        org.apache.commons.math3.distribution.NormalDistribution z =
                new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
        double pLo = z.cumulativeProbability((Math.log(lo) - mu) / s);
        double pHi = z.cumulativeProbability((Math.log(hi) - mu) / s);
        // E[X; lo <= X <= hi] = mean * (Phi((ln hi - mu - s2)/s) - Phi((ln lo - mu - s2)/s))
        double middle = mean * (z.cumulativeProbability((Math.log(hi) - mu - s2) / s)
                - z.cumulativeProbability((Math.log(lo) - mu - s2) / s));
        return lo * pLo + middle + hi * (1 - pHi);
    }

    /**
     * A copy clamped to other bounds.
     *
     * @param min smallest length, ≥ 1
     * @param max largest length, ≥ min
     * @return the copy
     */
    public LengthDistribution clamped(int min, int max) {
        return new LengthDistribution(kind, a, b, min, max);
    }

    /**
     * Draws one length.
     *
     * @param rng the seeded generator
     * @return a length in {@code [min, max]}
     */
    public int sample(SplittableRandom rng) {
        double v = switch (kind) {
            case FIXED -> a;
            case UNIFORM -> rng.nextLong((long) a, (long) b + 1);
            case NORMAL -> a + b * gaussian(rng);
            case LOGNORMAL -> {
                double sigma2 = Math.log1p((b * b) / (a * a));
                double mu = Math.log(a) - sigma2 / 2;
                yield Math.exp(mu + Math.sqrt(sigma2) * gaussian(rng));
            }
        };
        return (int) Math.max(min, Math.min(max, Math.round(v)));
    }

    private static double gaussian(SplittableRandom rng) {
        // Box–Muller (SplittableRandom has no nextGaussian on Java 17)
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * A short description, for example {@code lognormal(331,331)}.
     *
     * @return the description
     */
    public String label() {
        return switch (kind) {
            case FIXED -> Long.toString((long) a);
            case UNIFORM -> String.format(Locale.ROOT, "uniform(%d,%d)", (long) a, (long) b);
            case NORMAL -> String.format(Locale.ROOT, "normal(%s,%s)", fmt(a), fmt(b));
            case LOGNORMAL -> String.format(Locale.ROOT, "lognormal(%s,%s)", fmt(a), fmt(b));
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    Map<String, Object> describe() {
        return Map.of("kind", kind.name().toLowerCase(Locale.ROOT), "a", a, "b", b, "min", min, "max", max);
    }
}
