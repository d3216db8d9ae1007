package io.qmeter.sweep;

import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import java.util.Locale;
import java.util.Objects;

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
 */
public record QualityStep(String benchmark, String label, QualityOptions options) {

    /** The prefix of a default label. */
    public static final String LABEL_PREFIX = "quality.";

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
