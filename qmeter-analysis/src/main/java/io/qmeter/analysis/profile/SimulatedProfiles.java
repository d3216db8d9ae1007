package io.qmeter.analysis.profile;

import io.qmeter.testkit.sim.GpuSpec;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.ModelSpec;
import io.qmeter.testkit.sim.QualityModel;
import io.qmeter.testkit.sim.QuantMethod;
import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.SimulationResult;
import io.qmeter.testkit.sim.VirtualSaturationSearch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Generates profiles in virtual time with the testkit's simulated engine
 * ({@code io.qmeter.testkit.sim}): for every (model, method, GPU, TP, workload) that fits, a
 * saturation search ({@code VirtualSaturationSearch}) gives x_s, then one simulation per fraction
 * of x_s (default 5 % … 100 %) gives the load points, and the testkit's {@code QualityModel}
 * gives the quality per task. <b>Every profile is marked simulated</b>: these are the simulated
 * engine's figures, not measurements. Configurations the simulator refuses (FP8 methods on A100, a
 * model that does not fit) are skipped and listed.
 *
 * <p>Needs {@code qmeter-testkit} on the class path: {@code qmeter-analysis} declares it
 * optional, so add it to your build to use this class.
 *
 * <p>Workloads (request lengths; lognormal, clamped so every request fits a 4096-token context):
 * {@code chat} ShareGPT-like (331 / 231 tokens, the seed's Table 2), {@code code} HumanEval-like
 * (193 / 67), {@code summarization} NewsQA-like (806 / 200). Tasks (quality, 0–100, the mean of
 * {@code QualityModel.probabilityCorrect} × 100 over the benchmarks the seed averages):
 * {@code chat-s} (HellaSwag, ARC-C, Winogrande, TriviaQA), {@code chat-r} (BBH, MMLU),
 * {@code code} (HumanEval), {@code summarization} (NewsQA).
 *
 * <pre>{@code
 * SimulatedProfiles.Generated g = SimulatedProfiles.seedGrid()
 *         .withModels(List.of("Llama-2-13B")).withGpus(List.of("H100-80GB")).generate();
 * ProfileSet set = g.profiles();
 * }</pre>
 */
public final class SimulatedProfiles {

    /** The seed's chat-S benchmarks. */
    public static final List<String> CHAT_S = List.of("hellaswag", "arc_challenge", "winogrande", "triviaqa");
    /** The seed's chat-R benchmarks. */
    public static final List<String> CHAT_R = List.of("bbh", "mmlu");

    private final List<String> models;
    private final List<String> methods;
    private final List<String> gpus;
    private final List<Integer> tensorParallel;
    private final Map<String, LengthDistribution> workloads;
    private final Map<String, List<String>> tasks;
    private final List<Double> fractions;
    private final int requests;
    private final long seed;
    private final double precision;
    private final Map<String, Duration[]> searchSlo;
    private final boolean minimalTp;

    private SimulatedProfiles(List<String> models, List<String> methods, List<String> gpus, List<Integer> tensorParallel,
                              Map<String, LengthDistribution> workloads, Map<String, List<String>> tasks,
                              List<Double> fractions, int requests, long seed, double precision,
                              Map<String, Duration[]> searchSlo, boolean minimalTp) {
        this.models = List.copyOf(models);
        this.methods = List.copyOf(methods);
        this.gpus = List.copyOf(gpus);
        this.tensorParallel = List.copyOf(tensorParallel);
        this.workloads = Collections.unmodifiableMap(new LinkedHashMap<>(workloads));
        this.tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
        this.fractions = List.copyOf(fractions);
        this.requests = requests;
        this.seed = seed;
        this.precision = precision;
        this.searchSlo = Collections.unmodifiableMap(new LinkedHashMap<>(searchSlo));
        this.minimalTp = minimalTp;
    }

    /**
     * The seed's grid: Llama-2-7B, Llama-2-13B, CodeLlama-34B, Llama-2-70B × the 12 methods × TP
     * 1/2/4/8 × H100-80GB and A100-40GB × the workloads {@code chat}, {@code code},
     * {@code summarization} (A100 up to TP4, as in the seed); 400 requests per run, seed 42, 3 % search
     * precision, load points at 5, 10, 25, 40, 55, 70, 85 and 100 % of x_s; x_s searched
     * against P90 TTFT ≤ 1 s and P90 TPOT ≤ 200 ms (summarization: 5 s / 200 ms, its SLO in the seed).
     *
     * @return the generator
     */
    public static SimulatedProfiles seedGrid() {
        Map<String, LengthDistribution> w = new LinkedHashMap<>();
        w.put("chat", LengthDistribution.shareGptLike());
        w.put("code", humanEvalLike());
        w.put("summarization", newsQaLike());
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("chat-s", CHAT_S);
        t.put("chat-r", CHAT_R);
        t.put("code", List.of("humaneval"));
        t.put("summarization", List.of("newsqa"));
        Map<String, Duration[]> slo = new LinkedHashMap<>();
        slo.put("summarization", new Duration[] {Duration.ofSeconds(5), Duration.ofMillis(200)});
        return new SimulatedProfiles(
                ModelSpec.known().stream().map(ModelSpec::name).collect(Collectors.toList()),
                QuantMethod.known().stream().map(QuantMethod::name).collect(Collectors.toList()),
                List.of("H100-80GB", "A100-40GB"), List.of(1, 2, 4, 8), w, t,
                List.of(0.05, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0), 400, 42L, 0.03, slo, false);
    }

    /**
     * HumanEval-like lengths: 193 prompt / 67 output tokens on average (the seed's Table 2).
     *
     * @return the distribution
     */
    public static LengthDistribution humanEvalLike() {
        return new LengthDistribution(199, 0.4, 16, 2048, 70, 0.5, 4, 512);
    }

    /**
     * NewsQA-like lengths: 806 prompt / 200 output tokens on average (the seed's Table 2).
     *
     * @return the distribution
     */
    public static LengthDistribution newsQaLike() {
        return new LengthDistribution(812, 0.35, 64, 3000, 206, 0.5, 4, 1000);
    }

    /**
     * A copy with other models ({@code ModelSpec} names).
     *
     * @param names the models
     * @return a copy
     */
    public SimulatedProfiles withModels(List<String> names) {
        names.forEach(ModelSpec::byName);
        return new SimulatedProfiles(names, methods, gpus, tensorParallel, workloads, tasks, fractions, requests, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy with other methods ({@code QuantMethod} names).
     *
     * @param names the methods
     * @return a copy
     */
    public SimulatedProfiles withMethods(List<String> names) {
        names.forEach(QuantMethod::byName);
        return new SimulatedProfiles(models, names, gpus, tensorParallel, workloads, tasks, fractions, requests, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy with other GPUs ({@code GpuSpec} names).
     *
     * @param names the GPUs
     * @return a copy
     */
    public SimulatedProfiles withGpus(List<String> names) {
        names.forEach(GpuSpec::byName);
        return new SimulatedProfiles(models, methods, names, tensorParallel, workloads, tasks, fractions, requests, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy with other tensor-parallel degrees.
     *
     * @param degrees the degrees, each &ge; 1
     * @return a copy
     */
    public SimulatedProfiles withTensorParallel(List<Integer> degrees) {
        for (int d : degrees) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor-parallel degrees must be >= 1, got " + d);
            }
        }
        return new SimulatedProfiles(models, methods, gpus, degrees, workloads, tasks, fractions, requests, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy with other workloads.
     *
     * @param byName workload name → lengths
     * @return a copy
     */
    public SimulatedProfiles withWorkloads(Map<String, LengthDistribution> byName) {
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("at least one workload is needed");
        }
        return new SimulatedProfiles(models, methods, gpus, tensorParallel, byName, tasks, fractions, requests, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy with other requests per simulation.
     *
     * @param value at least 100
     * @return a copy
     */
    public SimulatedProfiles withRequests(int value) {
        if (value < 100) {
            throw new IllegalArgumentException("requests must be >= 100 for a meaningful P90, was " + value);
        }
        return new SimulatedProfiles(models, methods, gpus, tensorParallel, workloads, tasks, fractions, value, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy that keeps, per (workload, model, method, GPU), only the smallest tensor-parallel
     * degree that fits and has a saturation point (the single instances the seed's §4.2
     * trade-off figures compare).
     *
     * @param value true for the smallest fitting degree only
     * @return a copy
     */
    public SimulatedProfiles withMinimalTensorParallel(boolean value) {
        return new SimulatedProfiles(models, methods, gpus, tensorParallel, workloads, tasks, fractions, requests, seed,
                precision, searchSlo, value);
    }

    /**
     * A copy with another seed (recorded: every profile of one seed is reproducible).
     *
     * @param value the seed
     * @return a copy
     */
    public SimulatedProfiles withSeed(long value) {
        return new SimulatedProfiles(models, methods, gpus, tensorParallel, workloads, tasks, fractions, requests, value,
                precision, searchSlo, minimalTp);
    }

    /**
     * A copy with other load fractions (of x_s) to simulate.
     *
     * @param values each in (0, 1]
     * @return a copy
     */
    public SimulatedProfiles withFractions(List<Double> values) {
        for (double f : values) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("fractions must be in (0, 1], got " + f);
            }
        }
        return new SimulatedProfiles(models, methods, gpus, tensorParallel, workloads, tasks, values, requests, seed,
                precision, searchSlo, minimalTp);
    }

    /**
     * The seed of the traces.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * What {@link #generate()} produced.
     *
     * @param profiles the profiles (all simulated)
     * @param skipped  configurations the simulator refused, with its message
     * @param simulations how many load-point simulations ran (the searches' probes not counted)
     * @param elapsed  wall-clock time
     */
    public record Generated(ProfileSet profiles, List<String> skipped, int simulations, Duration elapsed) {
        /** Copies the list. */
        public Generated {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Generates the profiles (parallel over configurations, deterministic for one seed).
     *
     * @return the profiles
     */
    public Generated generate() {
        long t0 = System.nanoTime();
        List<Object[]> jobs = new ArrayList<>();
        for (String w : workloads.keySet()) {
            for (String m : models) {
                for (String q : methods) {
                    for (String g : gpus) {
                        jobs.add(new Object[] {w, m, q, g});
                    }
                }
            }
        }
        Map<Integer, List<Object>> results = new ConcurrentHashMap<>();
        java.util.stream.IntStream.range(0, jobs.size()).parallel().forEach(i -> {
            Object[] j = jobs.get(i);
            List<Object> rs = new ArrayList<>();
            for (int tp : tensorParallel) {
                if (((String) j[3]).startsWith("A100") && tp > 4) {
                    continue;      // the seed ran A100 at TP 1/2/4 only
                }
                Object r = one((String) j[0], (String) j[1], (String) j[2], (String) j[3], tp);
                rs.add(r);
                if (minimalTp && r instanceof ConfigProfile p && p.saturationRate() > 0) {
                    break;
                }
            }
            results.put(i, rs);
        });
        List<ConfigProfile> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int sims = 0;
        for (int i = 0; i < jobs.size(); i++) {
            for (Object r : results.get(i)) {
                if (r instanceof ConfigProfile p) {
                    if (minimalTp && p.saturationRate() <= 0) {
                        continue;
                    }
                    out.add(p);
                    sims += fractions.size();
                } else {
                    skipped.add((String) r);
                }
            }
        }
        return new Generated(ProfileSet.of(out), skipped, sims, Duration.ofNanos(System.nanoTime() - t0));
    }

    private Object one(String workload, String model, String method, String gpu, int tp) {
        SimConfig c;
        try {
            c = SimConfig.builder().gpu(gpu).model(model).quantization(method).tensorParallel(tp).seed(seed).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return model + " " + method + " " + gpu + " TP" + tp + ": " + e.getMessage();
        }
        Duration[] slo = searchSlo.getOrDefault(workload, new Duration[] {Duration.ofSeconds(1), Duration.ofMillis(200)});
        VirtualSaturationSearch s = VirtualSaturationSearch.builder(c).lengths(workloads.get(workload)).requests(requests)
                .seed(seed).ttftP90LimitNanos(slo[0].toNanos()).tpotP90LimitNanos(slo[1].toNanos())
                .relativePrecision(precision).build();
        VirtualSaturationSearch.Result r;
        try {
            r = s.run();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return model + " " + method + " " + gpu + " TP" + tp + " " + workload + ": " + e.getMessage();
        }
        ProfileKey key = new ProfileKey(model, method, gpu, tp, workload);
        Map<String, Double> quality = quality(model, method);
        if (r.saturationRate() <= 0) {
            return new ConfigProfile(key, 0, List.of(), quality, true);
        }
        List<LoadPoint> pts = new ArrayList<>();
        for (double f : fractions) {
            double rate = f * r.saturationRate();
            SimulationResult sr = f == 1.0 && r.atSaturation() != null ? r.atSaturation() : s.runAt(rate);
            pts.add(new LoadPoint(rate, sr.ttftPercentileNanos(90) / 1e6, sr.tpotPercentileNanos(90) / 1e6,
                    sr.joulesPerToken(), sr.averageWatts()));
        }
        return new ConfigProfile(key, r.saturationRate(), pts, quality, true);
    }

    private Map<String, Double> quality(String model, String method) {
        QualityModel qm = QualityModel.of(ModelSpec.byName(model), QuantMethod.byName(method));
        Map<String, Double> q = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> t : tasks.entrySet()) {
            double sum = 0;
            for (String b : t.getValue()) {
                sum += qm.probabilityCorrect(b);
            }
            q.put(t.getKey(), Math.round(1000 * sum / t.getValue().size()) / 10.0);
        }
        return q;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "simulated profiles: %d models x %d methods x %d GPUs x TP %s x workloads %s, "
                + "%d requests per run, seed %d", models.size(), methods.size(), gpus.size(), tensorParallel,
                workloads.keySet(), requests, seed);
    }

    /**
     * The workloads and their lengths.
     *
     * @return name → lengths
     */
    public Map<String, LengthDistribution> workloads() {
        return workloads;
    }

    /**
     * The tasks and the benchmarks averaged into each.
     *
     * @return task → benchmarks
     */
    public Map<String, List<String>> tasks() {
        return tasks;
    }
}
