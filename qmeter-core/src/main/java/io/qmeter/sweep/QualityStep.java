package io.qmeter.sweep;

import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A quality step of a {@link Plan}: a {@link QualityBenchmark} scored once per configuration,
 * after its engine is healthy and before its load runs (no rate search: the benchmark is its own
 * load, as in the seed). The benchmark is named, not linked: the coordinator finds it with
 * {@link QualityBenchmark#find(String)} (add {@code qmeter-quality} to the class path) unless one
 * is passed explicitly ({@link SweepCoordinator.Builder#qualityBenchmarks}). The score is stored
 * under the key {@code plan/configuration/<label>/0}, beside the configuration's runs.
 *
 * <pre>{@code
 * QualityStep gsm8k = QualityStep.of("gsm8k", QualityOptions.defaults()
 *         .withDataset(Path.of("data/gsm8k-test.jsonl")).withMaxItems(50));
 * Plan plan = Plan.builder("q").configuration(fp16).workload(w).slo(slo).rates(1).runLength(len)
 *         .quality(gsm8k).build();
 * }</pre>
 *
 * @param benchmark the benchmark's name, as {@link QualityBenchmark#name()} (e.g. {@code gsm8k})
 * @param label     the label in the run key, 1 to 200 of {@code [A-Za-z0-9._-]}, distinct from the
 *                  plan's rate labels; {@link #defaultLabel(String)} when built with {@link #of}
 * @param options   how the benchmark runs: dataset, items, seed (the same for every configuration, so
 *                  every configuration is asked the same prompts), few-shot count, concurrency…
 * @param underLoad background loads to score the benchmark under as well, each a rate: absolute
 *                  (req/s) or a fraction of the configuration's saturation point (which needs the
 *                  plan's saturation search, so a plan whose rates have no fraction refuses it);
 *                  each loaded score is stored under {@link #loadedLabel(RatePoint)}; empty for none.
 *                  Absolute rates come first, then fractions, each in the order given
 */
public record QualityStep(String benchmark, String label, QualityOptions options, List<RatePoint> underLoad) {

    /** The prefix of a default label. */
    public static final String LABEL_PREFIX = "quality.";

    /** What joins a step's label and a background rate's label in a loaded score's key. */
    public static final String UNDER_LOAD = "-under-";

    /** Validates. */
    public QualityStep {
        if (benchmark == null || benchmark.isBlank()) {
            throw new IllegalArgumentException("benchmark: expected a benchmark name such as \"gsm8k\", was "
                    + (benchmark == null ? "missing" : "blank"));
        }
        benchmark = benchmark.trim().toLowerCase(Locale.ROOT);
        label = label == null ? defaultLabel(benchmark) : label;
        if (!Plan.ID.matcher(label).matches()) {
            throw new IllegalArgumentException("label: expected 1 to 200 of [A-Za-z0-9._-], was \"" + label
                    + "\"; give the step a \"label\"");
        }
        Objects.requireNonNull(options, "options");
        List<RatePoint> ordered = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (List<RatePoint> part : List.of(absoluteFirst(underLoad, false), absoluteFirst(underLoad, true))) {
            for (RatePoint r : part) {
                if (!seen.add(r.label())) {
                    throw new IllegalArgumentException("underLoad: expected distinct background rates, was "
                            + r.label() + " twice");
                }
                ordered.add(r);
            }
        }
        underLoad = List.copyOf(ordered);
        for (RatePoint r : underLoad) {
            if ((label + UNDER_LOAD + r.label()).length() > 200) {
                throw new IllegalArgumentException("label: too long for the key of its score under " + r.label()
                        + " (\"" + label + UNDER_LOAD + r.label() + "\" is over 200 characters); shorten the label");
            }
        }
    }

    private static List<RatePoint> absoluteFirst(List<RatePoint> rates, boolean relative) {
        if (rates == null) {
            return List.of();
        }
        List<RatePoint> out = new ArrayList<>();
        for (RatePoint r : rates) {
            if (r == null) {
                throw new IllegalArgumentException("underLoad: expected background rates, was a null");
            }
            if (r.isRelative() == relative) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * A step scored on the idle engine only (no background load).
     *
     * @param benchmark the benchmark's name
     * @param label     the label, or {@code null} for the default
     * @param options   how it runs
     */
    public QualityStep(String benchmark, String label, QualityOptions options) {
        this(benchmark, label, options, List.of());
    }

    /**
     * A copy that is also scored under these background loads (replacing any).
     *
     * <pre>{@code
     * QualityStep s = QualityStep.of("gsm8k", opts).withUnderLoad(List.of(RatePoint.fractionOfSaturation(0.5)));
     * }</pre>
     *
     * @param rates absolute rates or fractions of the saturation point; empty for none
     * @return the copy
     */
    public QualityStep withUnderLoad(List<RatePoint> rates) {
        return new QualityStep(benchmark, label, options, rates);
    }

    /**
     * The label of the score taken under a background load: this step's label, {@value #UNDER_LOAD}
     * and the rate's label, e.g. {@code quality.gsm8k-under-0.5sat} or {@code quality.gsm8k-under-2rps}.
     *
     * @param background the background rate
     * @return the label in the loaded score's key
     */
    public String loadedLabel(RatePoint background) {
        return label + UNDER_LOAD + background.label();
    }

    /**
     * A step with the default label ({@code quality.<benchmark>}).
     *
     * @param benchmark the benchmark's name
     * @param options   how it runs
     * @return the step
     */
    public static QualityStep of(String benchmark, QualityOptions options) {
        return new QualityStep(benchmark, null, options);
    }

    /**
     * The default label of a benchmark's step: {@code quality.} and the name, characters outside
     * {@code [A-Za-z0-9._-]} replaced by {@code _}.
     *
     * @param benchmark the benchmark's name
     * @return the label
     */
    public static String defaultLabel(String benchmark) {
        String s = LABEL_PREFIX + benchmark.trim().toLowerCase(Locale.ROOT).replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
