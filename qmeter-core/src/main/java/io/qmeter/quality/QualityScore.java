package io.qmeter.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The result of one {@link QualityBenchmark} run: the primary metric's value from 0 to 100, its
 * standard error (the sample standard error of the item scores, as lm-eval reports it, ×100) and a
 * seeded 95 % percentile-bootstrap interval, the number of items, the seed, whether the engine was
 * simulated, secondary metrics, and every item's request, response and verdict. Round-trips through
 * JSON ({@link #toJson()}, {@link #fromJson(String)}).
 *
 * <pre>{@code
 * QualityScore s = QualityScore.fromItems("gsm8k", "exact_match,strict-match", items, Map.of(), 1234L, false);
 * System.out.printf("%s %.1f ± %.1f (n=%d)%n", s.metric(), s.value(), s.standardError(), s.n());
 * s.write(Path.of("results/gsm8k.json"));
 * }</pre>
 *
 * @param benchmark     the benchmark's name
 * @param metric        the primary metric's name
 * @param value         the primary metric, 0 to 100
 * @param standardError its standard error, 0 to 100 scale; NaN when n &lt; 2
 * @param ciLow         the bootstrap interval's lower end (95 %), 0 to 100; NaN when n = 0
 * @param ciHigh        the bootstrap interval's upper end (95 %), 0 to 100; NaN when n = 0
 * @param n             the number of items scored
 * @param seed          the seed of the run (sampling, few-shot choice, bootstrap)
 * @param simulated     true when the engine was a simulation (label it so in every report)
 * @param secondary     other metrics of the same run, 0 to 100, by name (e.g. {@code pass@10})
 * @param items         every item, in dataset order
 */
public record QualityScore(String benchmark, String metric, double value, double standardError, double ciLow,
                           double ciHigh, int n, long seed, boolean simulated, Map<String, Double> secondary,
                           List<ItemResult> items) {

    /** Bootstrap resamples for the interval. */
    public static final int BOOTSTRAP_RESAMPLES = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Validates and copies. */
    public QualityScore {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(metric, "metric");
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        if (n > 0 && !(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException("value must be in [0, 100], was " + value);
        }
        secondary = secondary == null ? Map.of() : Map.copyOf(secondary);
        items = items == null ? List.of() : List.copyOf(items);
    }

    /**
     * A score computed from its items: the mean of their {@link ItemResult#score()} ×100, the sample
     * standard error {@code sqrt(var(scores, ddof=1) / n)} ×100, and a percentile bootstrap of the
     * mean with {@link #BOOTSTRAP_RESAMPLES} resamples drawn from {@code seed}.
     *
     * @param benchmark the benchmark's name
     * @param metric    the primary metric's name
     * @param items     the scored items
     * @param secondary other metrics, 0 to 100
     * @param seed      the run's seed (also seeds the bootstrap)
     * @param simulated whether the engine was simulated
     * @return the score
     */
    public static QualityScore fromItems(String benchmark, String metric, List<ItemResult> items,
                                         Map<String, Double> secondary, long seed, boolean simulated) {
        int n = items.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = items.get(i).score();
        }
        double mean = mean(x);
        double se = Double.NaN;
        if (n >= 2) {
            double ss = 0;
            for (double v : x) {
                ss += (v - mean) * (v - mean);
            }
            se = Math.sqrt(ss / (n - 1) / n) * 100;
        }
        double lo = Double.NaN;
        double hi = Double.NaN;
        if (n > 0) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] means = new double[BOOTSTRAP_RESAMPLES];
            for (int b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += x[rnd.nextInt(n)];
                }
                means[b] = s / n;
            }
            Arrays.sort(means);
            lo = means[(int) Math.floor(0.025 * (BOOTSTRAP_RESAMPLES - 1))] * 100;
            hi = means[(int) Math.ceil(0.975 * (BOOTSTRAP_RESAMPLES - 1))] * 100;
        }
        return new QualityScore(benchmark, metric, n == 0 ? Double.NaN : mean * 100, se, lo, hi, n, seed,
                simulated, secondary, items);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return x.length == 0 ? Double.NaN : s / x.length;
    }

    /**
     * The items that did not score full marks.
     *
     * @return the failed items, in order
     */
    public List<ItemResult> failures() {
        return items.stream().filter(i -> !i.correct()).toList();
    }

    /**
     * This score as indented JSON (NaN written as the string {@code "NaN"}).
     *
     * @return the JSON text
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the quality score of " + benchmark + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a score written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the score
     * @throws IllegalArgumentException when the text is not a quality score
     */
    public static QualityScore fromJson(String json) {
        try {
            return JSON.readValue(json, QualityScore.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("expected a QualityScore JSON object (benchmark, metric, value, "
                    + "items...), found text that does not parse as one: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes this score as JSON to a file, creating its parent folders.
     *
     * @param file the file
     * @throws UncheckedIOException when it cannot be written
     */
    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the quality score to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a score from a JSON file written by {@link #write(Path)}.
     *
     * @param file the file
     * @return the score
     * @throws UncheckedIOException when it cannot be read
     */
    public static QualityScore read(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a quality score from " + file + ": " + e.getMessage(), e);
        }
    }
}
