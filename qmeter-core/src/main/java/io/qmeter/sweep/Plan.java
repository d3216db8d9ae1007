package io.qmeter.sweep;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.store.RunKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A sweep plan: the configurations to compare, the workload, the SLO, the request rates (absolute or
 * fractions of each configuration's saturation point), repetitions, run length and seed. Built with
 * {@link #builder(String)} or read from JSON ({@link #read(Path)}, schema in docs/plan-schema.md);
 * {@link #points()} expands it into runs with stable keys.
 *
 * <pre>{@code
 * EngineSettings base = EngineSettings.builder().engine("vllm").model("meta-llama/Llama-2-13b-chat-hf")
 *         .quantization("fp16").gpu("H100").build();
 * Plan plan = Plan.builder("quant-sweep-13b")
 *         .configuration(base)
 *         .configuration(base.withQuantization("awq"))
 *         .workload(WorkloadSpec.synthetic(331, 231))
 *         .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build())
 *         .saturationFractions(0.5, 0.8, 1.0)
 *         .repetitions(3)
 *         .runLength(RunLength.requests(500))
 *         .seed(42)
 *         .build();
 * List<PlanPoint> points = plan.points(); // 2 configurations x 3 rates x 3 repetitions
 * }</pre>
 *
 * @param id             the plan's id, part of every run key: letters, digits, '.', '_', '-'
 * @param description    free text, may be empty
 * @param configurations the configurations, in order, with distinct ids
 * @param workload       the workload
 * @param slo            the SLO: judges saturation searches (through {@link SearchSettings#judge}), and
 *                       every run reports against it (attainment, goodput)
 * @param rates          the rates with distinct labels: absolute ones first, then fractions, each in
 *                       the order given
 * @param repetitions    runs per configuration and rate, &gt;= 1
 * @param runLength      how long each run lasts
 * @param seed           the plan's seed; each point's seed derives from it
 * @param search         how saturation points are searched
 * @param quality        quality steps scored once per configuration (empty for none), with distinct
 *                       labels that are not rate labels
 */
public record Plan(String id, String description, List<EngineSettings> configurations, WorkloadSpec workload,
                   Slo slo, List<RatePoint> rates, int repetitions, RunLength runLength, long seed,
                   SearchSettings search, List<QualityStep> quality) {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    /** Validates the plan; all problems are reported together. */
    public Plan {
        configurations = configurations == null ? null : List.copyOf(configurations);
        if (rates != null) { // absolute rates first, then fractions, each in the given order (as JSON lists them)
            List<RatePoint> ordered = new ArrayList<>(rates.stream().filter(r -> !r.isRelative()).toList());
            ordered.addAll(rates.stream().filter(RatePoint::isRelative).toList());
            rates = List.copyOf(ordered);
        }
        quality = quality == null ? List.of() : List.copyOf(quality);
        List<String> problems = problems(id, configurations, workload, slo, rates, repetitions, runLength, search,
                !quality.isEmpty());
        problems.addAll(qualityProblems(rates, quality));
        if (!problems.isEmpty()) {
            throw new PlanException("plan " + id, problems);
        }
        description = description == null ? "" : description;
    }

    static List<String> problems(String id, List<EngineSettings> configurations, WorkloadSpec workload, Slo slo,
                                 List<RatePoint> rates, int repetitions, RunLength runLength, SearchSettings search,
                                 boolean hasQuality) {
        List<String> p = new ArrayList<>();
        if (id == null || !ID.matcher(id).matches()) {
            p.add("id: expected 1 to 200 of [A-Za-z0-9._-], was " + (id == null ? "null" : "\"" + id + "\""));
        }
        if (configurations == null || configurations.isEmpty()) {
            p.add("configurations: expected at least one configuration, was none");
        } else {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < configurations.size(); i++) {
                String cid = configurations.get(i).id();
                if (!ids.add(cid)) {
                    p.add("configurations[" + i + "]: expected distinct configurations, was a repeat of " + cid);
                }
            }
        }
        if (workload == null) {
            p.add("workload: required, was missing");
        }
        if (slo == null) {
            p.add("slo: required, was missing");
        } else if (rates != null && rates.stream().anyMatch(RatePoint::isRelative)) {
            for (int i = 0; i < slo.thresholds().size(); i++) {
                if (slo.thresholds().get(i).percentile().value() >= 100) {
                    p.add("slo.targets[" + i + "]: a saturation search cannot judge P100 from a sample, was "
                            + slo.thresholds().get(i) + "; use P99.9 or lower");
                }
            }
        }
        if ((rates == null || rates.isEmpty()) && !hasQuality) {
            p.add("rates: expected at least one rate (or a quality step), was none");
        } else if (rates != null) {
            Set<String> labels = new HashSet<>();
            for (RatePoint r : rates) {
                if (!labels.add(r.label())) {
                    p.add("rates: expected distinct rates, was " + r.label() + " twice");
                }
            }
        }
        if (repetitions < 1) {
            p.add("repetitions: expected an integer >= 1, was " + repetitions);
        }
        if (runLength == null) {
            p.add("runLength: required, was missing");
        }
        if (search == null) {
            p.add("search: required (use SearchSettings.DEFAULT), was missing");
        }
        return p;
    }

    /**
     * The plan of earlier versions, without quality steps.
     *
     * <pre>{@code
     * Plan p = new Plan("p", "", List.of(fp16), WorkloadSpec.synthetic(331, 231), slo,
     *         List.of(RatePoint.absolute(1)), 1, RunLength.requests(100), 0, SearchSettings.DEFAULT);
     * }</pre>
     *
     * @param id             the plan's id
     * @param description    free text
     * @param configurations the configurations
     * @param workload       the workload
     * @param slo            the SLO
     * @param rates          the rates
     * @param repetitions    runs per configuration and rate
     * @param runLength      how long each run lasts
     * @param seed           the plan's seed
     * @param search         how saturation points are searched
     */
    public Plan(String id, String description, List<EngineSettings> configurations, WorkloadSpec workload, Slo slo,
                List<RatePoint> rates, int repetitions, RunLength runLength, long seed, SearchSettings search) {
        this(id, description, configurations, workload, slo, rates, repetitions, runLength, seed, search, List.of());
    }

    private static List<String> qualityProblems(List<RatePoint> rates, List<QualityStep> quality) {
        List<String> p = new ArrayList<>();
        boolean searched = rates != null && rates.stream().anyMatch(r -> r != null && r.isRelative());
        Set<String> labels = new HashSet<>();
        labels.add(SweepCoordinator.SATURATION_LABEL);
        if (rates != null) {
            rates.forEach(r -> labels.add(r.label()));
        }
        for (int i = 0; i < quality.size(); i++) {
            QualityStep q = quality.get(i);
            if (q == null) {
                p.add("quality[" + i + "]: expected a quality step, was null");
            } else {
                if (!labels.add(q.label())) {
                    p.add("quality[" + i + "].label: expected a label distinct from the rates', \"saturation\" and "
                            + "the other quality steps', was \"" + q.label() + "\" again; give the step its own "
                            + "\"label\"");
                }
                for (RatePoint r : q.underLoad()) {
                    if (!labels.add(q.loadedLabel(r))) {
                        p.add("quality[" + i + "].underLoad: the key label \"" + q.loadedLabel(r) + "\" of its score "
                                + "under " + r.label() + " is another step's or rate's label; give the step its own "
                                + "\"label\"");
                    }
                }
                if (!searched && q.underLoad().stream().anyMatch(RatePoint::isRelative)) {
                    p.add("quality[" + i + "].underLoad: a fraction of saturation needs the plan's saturation search, "
                            + "which runs only when \"rates\" has \"fractionOfSaturation\", was "
                            + q.underLoad().stream().filter(RatePoint::isRelative).map(RatePoint::label).toList()
                            + " without one; add rates.fractionOfSaturation or give absolute background rates in "
                            + "\"underLoadRps\"");
                }
            }
        }
        return p;
    }

    /**
     * A copy with other quality steps (replacing these); checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withQuality(List.of(QualityStep.of("gsm8k", QualityOptions.defaults().withMaxItems(50))));
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withQuality(List<QualityStep> value) {
        return new Plan(id, description, configurations, workload, slo, rates, repetitions, runLength, seed, search,
                value);
    }

    /**
     * Expands the quality steps: configuration-major, then step, in plan order; each is stored under
     * {@code plan/configuration/<step label>/0}, and right after it come its scores under background
     * load ({@link QualityStep#underLoad()}), stored under {@code plan/configuration/<step label>-under-<rate label>/0}.
     *
     * @return the quality points, empty when the plan has no quality step
     */
    public List<QualityPoint> qualityPoints() {
        List<QualityPoint> out = new ArrayList<>(configurations.size() * quality.size());
        for (EngineSettings c : configurations) {
            for (QualityStep q : quality) {
                out.add(new QualityPoint(new RunKey(id, c.id(), q.label(), 0), c, q));
                for (RatePoint r : q.underLoad()) {
                    out.add(new QualityPoint(new RunKey(id, c.id(), q.loadedLabel(r), 0), c, q, Optional.of(r)));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * A copy with another description; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withDescription("FP16 vs AWQ, second sitting");
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withDescription(String value) {
        return new Plan(id, value, configurations, workload, slo, rates, repetitions, runLength, seed, search, quality);
    }

    /**
     * A copy with other configurations (replacing these); checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withConfigurations(List.of(fp16));
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withConfigurations(List<EngineSettings> value) {
        return new Plan(id, description, value, workload, slo, rates, repetitions, runLength, seed, search, quality);
    }

    /**
     * A copy with another workload; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withWorkload(WorkloadSpec.synthetic(512, 128));
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withWorkload(WorkloadSpec value) {
        return new Plan(id, description, configurations, value, slo, rates, repetitions, runLength, seed, search, quality);
    }

    /**
     * A copy with another SLO; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withSlo(Slo.builder().ttft(Percentile.of(99), Duration.ofSeconds(2)).build());
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withSlo(Slo value) {
        return new Plan(id, description, configurations, workload, value, rates, repetitions, runLength, seed, search, quality);
    }

    /**
     * A copy with other rates (replacing these); checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withRates(List.of(RatePoint.absolute(2), RatePoint.fractionOfSaturation(0.5)));
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withRates(List<RatePoint> value) {
        return new Plan(id, description, configurations, workload, slo, value, repetitions, runLength, seed, search, quality);
    }

    /**
     * A copy with another repetition count; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withRepetitions(3);
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withRepetitions(int value) {
        return new Plan(id, description, configurations, workload, slo, rates, value, runLength, seed, search, quality);
    }

    /**
     * A copy with another run length; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan longer = plan.withRunLength(RunLength.requests(2000));
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withRunLength(RunLength value) {
        return new Plan(id, description, configurations, workload, slo, rates, repetitions, value, seed, search, quality);
    }

    /**
     * A copy with another seed; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withSeed(7);
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withSeed(long value) {
        return new Plan(id, description, configurations, workload, slo, rates, repetitions, runLength, value, search, quality);
    }

    /**
     * A copy with other search settings; checked like any plan (a {@link PlanException} lists the problems).
     *
     * <pre>{@code
     * Plan copy = plan.withSearch(SearchSettings.DEFAULT);
     * }</pre>
     *
     * @param value the new value
     * @return the copy
     */
    public Plan withSearch(SearchSettings value) {
        return new Plan(id, description, configurations, workload, slo, rates, repetitions, runLength, seed, value, quality);
    }

    /**
     * A new builder: no configurations or rates yet, 1 repetition, seed 0, default search.
     *
     * @param id the plan's id
     * @return the builder
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * Reads a plan from a JSON file.
     *
     * @param file the file
     * @return the plan
     * @throws PlanException listing every problem with its JSON path
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Plan read(Path file) {
        try {
            return PlanJson.read(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read plan " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a plan from JSON text.
     *
     * @param json the plan
     * @return the plan
     * @throws PlanException listing every problem with its JSON path
     */
    public static Plan fromJson(String json) {
        return PlanJson.read(json, "JSON");
    }

    /**
     * The plan as JSON in the documented schema (configurations listed, no matrix); reading it back
     * gives an equal plan.
     *
     * @return pretty-printed JSON
     */
    public String toJson() {
        return PlanJson.write(this);
    }

    /**
     * Whether any rate is a fraction of saturation (so each configuration needs a search first).
     *
     * @return true when a saturation search is needed
     */
    public boolean needsSaturationSearch() {
        return rates.stream().anyMatch(RatePoint::isRelative);
    }

    /**
     * Expands the plan: configuration-major, then rate, then repetition, in plan order.
     *
     * @return the points
     */
    public List<PlanPoint> points() {
        List<PlanPoint> points = new ArrayList<>(configurations.size() * rates.size() * repetitions);
        for (EngineSettings c : configurations) {
            String cid = c.id();
            for (RatePoint r : rates) {
                for (int rep = 0; rep < repetitions; rep++) {
                    RunKey key = new RunKey(id, cid, r.label(), rep);
                    points.add(new PlanPoint(key, c, r, rep, seedFor(key)));
                }
            }
        }
        return List.copyOf(points);
    }

    /**
     * The seed of the run with this key: the first 8 bytes of SHA-256("seed/key").
     *
     * @param key the run's key
     * @return the seed
     */
    public long seedFor(RunKey key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "/" + key.asString()).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(h, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Builds a {@link Plan}; every setter returns a new builder, {@link #build()} checks everything
     * at once and lists every problem.
     *
     * <pre>{@code
     * Plan.Builder b = Plan.builder("p").workload(WorkloadSpec.synthetic(331, 231)).rates(1, 2, 4);
     * }</pre>
     */
    public static final class Builder {
        private String id;
        private String description = "";
        private List<EngineSettings> configurations = List.of();
        private WorkloadSpec workload;
        private Slo slo;
        private List<RatePoint> rates = List.of();
        private int repetitions = 1;
        private RunLength runLength;
        private long seed;
        private SearchSettings search = SearchSettings.DEFAULT;
        private List<QualityStep> quality = List.of();

        private Builder(String id) {
            this.id = id;
        }

        private Builder copy() {
            Builder b = new Builder(id);
            b.description = description;
            b.configurations = configurations;
            b.workload = workload;
            b.slo = slo;
            b.rates = rates;
            b.repetitions = repetitions;
            b.runLength = runLength;
            b.seed = seed;
            b.search = search;
            b.quality = quality;
            return b;
        }

        /**
         * Adds a quality step, scored once per configuration.
         *
         * @param step the step
         * @return a new builder
         */
        public Builder quality(QualityStep step) {
            List<QualityStep> all = new ArrayList<>(quality);
            all.add(Objects.requireNonNull(step, "quality step"));
            Builder b = copy();
            b.quality = List.copyOf(all);
            return b;
        }

        /**
         * Free text describing the plan.
         *
         * @param text the description
         * @return a new builder
         */
        public Builder description(String text) {
            Builder b = copy();
            b.description = Objects.requireNonNull(text, "description");
            return b;
        }

        /**
         * Adds a configuration.
         *
         * @param settings the engine settings
         * @return a new builder
         */
        public Builder configuration(EngineSettings settings) {
            return configurations(List.of(Objects.requireNonNull(settings, "settings")));
        }

        /**
         * Adds configurations, in order.
         *
         * @param settings the engine settings
         * @return a new builder
         */
        public Builder configurations(List<EngineSettings> settings) {
            List<EngineSettings> all = new ArrayList<>(configurations);
            all.addAll(settings);
            Builder b = copy();
            b.configurations = List.copyOf(all);
            return b;
        }

        /**
         * The workload.
         *
         * @param spec the workload
         * @return a new builder
         */
        public Builder workload(WorkloadSpec spec) {
            Builder b = copy();
            b.workload = Objects.requireNonNull(spec, "workload");
            return b;
        }

        /**
         * The SLO.
         *
         * @param objective the SLO
         * @return a new builder
         */
        public Builder slo(Slo objective) {
            Builder b = copy();
            b.slo = Objects.requireNonNull(objective, "slo");
            return b;
        }

        /**
         * Adds absolute rates in requests per second.
         *
         * @param requestsPerSecond the rates
         * @return a new builder
         */
        public Builder rates(double... requestsPerSecond) {
            return addRates(Arrays.stream(requestsPerSecond).mapToObj(RatePoint::absolute).toList());
        }

        /**
         * Adds rates as fractions of each configuration's saturation point.
         *
         * @param fractions e.g. 0.5, 0.8, 1.0
         * @return a new builder
         */
        public Builder saturationFractions(double... fractions) {
            return addRates(Arrays.stream(fractions).mapToObj(RatePoint::fractionOfSaturation).toList());
        }

        /**
         * Adds rates.
         *
         * @param points the rates
         * @return a new builder
         */
        public Builder addRates(List<RatePoint> points) {
            List<RatePoint> all = new ArrayList<>(rates);
            all.addAll(points);
            Builder b = copy();
            b.rates = List.copyOf(all);
            return b;
        }

        /**
         * Runs per configuration and rate.
         *
         * @param count &gt;= 1
         * @return a new builder
         */
        public Builder repetitions(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("repetitions: expected an integer >= 1, was " + count);
            }
            Builder b = copy();
            b.repetitions = count;
            return b;
        }

        /**
         * How long each run lasts.
         *
         * @param length the run length
         * @return a new builder
         */
        public Builder runLength(RunLength length) {
            Builder b = copy();
            b.runLength = Objects.requireNonNull(length, "runLength");
            return b;
        }

        /**
         * The plan's seed.
         *
         * @param value the seed
         * @return a new builder
         */
        public Builder seed(long value) {
            Builder b = copy();
            b.seed = value;
            return b;
        }

        /**
         * How saturation points are searched.
         *
         * @param settings the settings
         * @return a new builder
         */
        public Builder search(SearchSettings settings) {
            Builder b = copy();
            b.search = Objects.requireNonNull(settings, "search");
            return b;
        }

        /**
         * Builds the plan.
         *
         * @return the plan
         * @throws PlanException listing every problem
         */
        public Plan build() {
            return new Plan(id, description, configurations, workload, slo, rates, repetitions, runLength, seed, search, quality);
        }
    }
}
