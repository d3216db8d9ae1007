package io.qmeter.analysis.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What is known about one configuration on one workload: its single-instance saturation point,
 * its load points (rate → P90 TTFT, P90 TPOT, J/token, power) and its quality per task.
 *
 * <p>Between measured rates the curves are interpolated monotonically ({@link MonotoneCurve},
 * Fritsch–Carlson). Above the highest measured rate nothing is extrapolated: {@link #at(double)}
 * refuses. Below the lowest measured rate, latency is held at the lowest point's (latency does not
 * grow as load falls) and power too, so J/token grows as 1/rate from the lowest point's: power
 * falls towards idle as load falls, so this is an upper bound on J/token, never an optimistic guess.
 *
 * <pre>{@code
 * ConfigProfile p = new ConfigProfile(key, 10.0, points, Map.of("chat-s", 77.0), true);
 * LoadPoint at5 = p.at(5.0);
 * double xs = p.saturationUnder(slo);
 * }</pre>
 *
 * @param key            the configuration and workload
 * @param saturationRate the single-instance saturation point x_s found by search, req/s (0 when none passed)
 * @param points         load points, sorted by rate (rates distinct)
 * @param quality        quality per task, 0–100
 * @param simulated      true when the figures come from the simulated engine (label them so)
 */
public record ConfigProfile(ProfileKey key, double saturationRate, List<LoadPoint> points, Map<String, Double> quality,
                            boolean simulated) {

    /** Validates, sorts the points and copies the collections. */
    public ConfigProfile {
        Objects.requireNonNull(key, "key");
        if (!(saturationRate >= 0) || Double.isInfinite(saturationRate)) {
            throw new IllegalArgumentException("saturationRate of " + key.label() + " must be finite and >= 0, was "
                    + saturationRate);
        }
        List<LoadPoint> sorted = new ArrayList<>(Objects.requireNonNull(points, "points"));
        sorted.sort(Comparator.comparingDouble(LoadPoint::ratePerSecond));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).ratePerSecond() == sorted.get(i - 1).ratePerSecond()) {
                throw new IllegalArgumentException(key.label() + " has two load points at " + sorted.get(i).ratePerSecond()
                        + " req/s; merge repetitions (e.g. their median) before building the profile");
            }
        }
        points = List.copyOf(sorted);
        quality = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(quality, "quality")));
        for (Map.Entry<String, Double> e : quality.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 100)) {
                throw new IllegalArgumentException("quality " + e.getKey() + " of " + key.label()
                        + " must be in [0, 100], was " + e.getValue());
            }
        }
    }

    /**
     * The quality on a task.
     *
     * @param task the task's name
     * @return the score 0–100, or empty when not measured
     */
    public OptionalDouble quality(String task) {
        Double q = quality.get(task);
        return q == null ? OptionalDouble.empty() : OptionalDouble.of(q);
    }

    /**
     * The highest measured rate.
     *
     * @return req/s, 0 without points
     */
    public double maxMeasuredRate() {
        return points.isEmpty() ? 0 : points.get(points.size() - 1).ratePerSecond();
    }

    /**
     * The single-instance saturation point under another latency SLO, read from the load points:
     * the highest measured rate, at most {@link #saturationRate()}, such that it and every lower
     * measured rate meet the SLO's P90 TTFT and TPOT. Conservative: no rate between points is
     * credited. The SLO's quality floor is ignored here.
     *
     * @param slo the SLO
     * @return req/s, 0 when even the lowest point misses it
     */
    public double saturationUnder(Slo slo) {
        double best = 0;
        for (LoadPoint p : points) {
            if (p.ratePerSecond() > saturationRate * (1 + 1e-9)) {
                break;
            }
            if (!slo.latencyMet(p)) {
                break;
            }
            best = p.ratePerSecond();
        }
        return best;
    }

    /**
     * Output tokens per request implied by the points (median of tokens/s ÷ rate).
     *
     * @return tokens per request
     */
    public double tokensPerRequest() {
        if (points.isEmpty()) {
            throw new IllegalStateException(key.label() + " has no load points");
        }
        double[] v = points.stream().mapToDouble(p -> p.tokensPerSecond() / p.ratePerSecond()).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The J/token–rate curve through the points.
     *
     * @return the curve
     */
    public MonotoneCurve energyCurve() {
        return curve(LoadPoint::joulesPerToken);
    }

    private MonotoneCurve curve(java.util.function.ToDoubleFunction<LoadPoint> f) {
        if (points.isEmpty()) {
            throw new IllegalStateException(key.label() + " has no load points to interpolate");
        }
        double[] x = points.stream().mapToDouble(LoadPoint::ratePerSecond).toArray();
        double[] y = points.stream().mapToDouble(f).toArray();
        return MonotoneCurve.through(x, y);
    }

    /**
     * The instance's figures at a rate, interpolated (see the class comment for below the lowest
     * point).
     *
     * @param rate req/s, &gt; 0 and at most {@link #maxMeasuredRate()}
     * @return the interpolated point
     * @throws IllegalArgumentException above the highest measured rate (no extrapolation)
     */
    public LoadPoint at(double rate) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0, was " + rate);
        }
        if (points.isEmpty()) {
            throw new IllegalStateException(key.label() + " has no load points");
        }
        if (rate > maxMeasuredRate() * (1 + 1e-9)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%.3f req/s is above the highest measured rate of %s (%.3f req/s); no extrapolation: add "
                            + "instances (data parallelism) or measure higher rates", rate, key.label(), maxMeasuredRate()));
        }
        rate = Math.min(rate, maxMeasuredRate());
        LoadPoint low = points.get(0);
        if (rate < low.ratePerSecond()) {
            double jpt = low.joulesPerToken() * low.ratePerSecond() / rate;
            return new LoadPoint(rate, low.ttftP90Millis(), low.tpotP90Millis(), jpt, low.watts());
        }
        double jpt = energyCurve().valueAt(rate);
        double ttft = curve(LoadPoint::ttftP90Millis).valueAt(rate);
        double tpot = curve(LoadPoint::tpotP90Millis).valueAt(rate);
        double watts = jpt * rate * tokensPerRequest();
        return new LoadPoint(rate, ttft, tpot, jpt, watts);
    }

    /**
     * A copy with other quality scores.
     *
     * @param scores task → 0–100
     * @return a copy
     */
    public ConfigProfile withQuality(Map<String, Double> scores) {
        return new ConfigProfile(key, saturationRate, points, scores, simulated);
    }

    @Override
    public String toString() {
        return key.label() + (simulated ? " (simulated)" : "") + ": x_s " + saturationRate + " req/s, "
                + points.size() + " points, quality " + quality + " "
                + Arrays.toString(points.stream().mapToDouble(LoadPoint::ratePerSecond).toArray());
    }
}
