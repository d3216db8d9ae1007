package io.qmeter.examples;

import io.qmeter.analysis.predict.Mape;
import io.qmeter.analysis.predict.PredictionEvaluation;
import io.qmeter.analysis.predict.PredictorParams;
import io.qmeter.analysis.predict.SaturationHint;
import io.qmeter.analysis.predict.SaturationPoint;
import io.qmeter.analysis.predict.SaturationPredictor;
import io.qmeter.analysis.predict.SimulatedSaturationGrid;
import io.qmeter.analysis.predict.SplitScheme;
import io.qmeter.analysis.predict.XgboostRuntime;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The seed paper's saturation-point prediction case study (§8.1) on the simulated engine: generates
 * saturation points over the seed's grid in virtual time, trains XGBoost regressors, prints MAPE
 * per split scheme beside the seed's figures, the feature importance, and how many probes a
 * saturation search needs with and without the prediction as its starting bracket.
 *
 * <pre>
 * mvn -B -q -DskipTests -Prun-main -Dmain=io.qmeter.examples.SaturationPredictionStudy package
 * # options (-Dexec.args="..."): --every K (every K-th grid cell; default 4, 1 = the whole grid)
 * #   --requests N (per simulation, default 800) --threads T (default 2) --seed S (default 42)
 * #   --searches M (configurations in the probe study, default 40)
 * </pre>
 */
public final class SaturationPredictionStudy {

    private SaturationPredictionStudy() {
    }

    /**
     * The study's settings.
     *
     * @param every    keep every k-th cell of the grid
     * @param requests requests per simulation
     * @param threads  worker threads
     * @param seed     seed of the traces, the splits, XGBoost and the bootstrap
     * @param searches configurations in the probe study
     */
    public record Options(int every, int requests, int threads, long seed, int searches) {
        /** Checks the values. */
        public Options {
            if (every < 1 || requests < 100 || threads < 1 || searches < 1) {
                throw new IllegalArgumentException("expected --every >= 1, --requests >= 100, --threads >= 1, "
                        + "--searches >= 1; got " + every + ", " + requests + ", " + threads + ", " + searches);
            }
        }

        /**
         * Parses the command line.
         *
         * @param args {@code --every K --requests N --threads T --seed S --searches M}
         * @return the options
         */
        public static Options parse(String... args) {
            int every = 4;
            int requests = 800;
            int threads = 2;
            long seed = 42;
            int searches = 40;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--every" -> every = Integer.parseInt(v);
                    case "--requests" -> requests = Integer.parseInt(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--searches" -> searches = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a
                            + "; known: --every, --requests, --threads, --seed, --searches");
                }
            }
            return new Options(every, requests, threads, seed, searches);
        }
    }

    /**
     * The probe study's figures.
     *
     * @param searches       configurations searched
     * @param plainProbes    probes per search without the hint, per configuration
     * @param hintedProbes   probes per search with the hint
     * @param hintedWithin5  hinted searches whose result is within 5 % of the reference
     * @param plainWithin5   plain searches whose result is within 5 % of the reference
     * @param hintInBracket  predictions whose 4-probe bracket held the reference
     */
    public record ProbeStudy(int searches, int[] plainProbes, int[] hintedProbes, int hintedWithin5,
                             int plainWithin5, int hintInBracket) {
    }

    /**
     * Everything the study printed.
     *
     * @param grid       the generated data
     * @param schemes    MAPE per scheme
     * @param importance feature importance (share of total gain) of a model trained on all points
     * @param probes     the probe study
     */
    public record Outcome(SimulatedSaturationGrid.Generated grid, List<PredictionEvaluation.SchemeResult> schemes,
                          Map<String, Double> importance, ProbeStudy probes) {
    }

    /**
     * Runs the study with the command line's options.
     *
     * @param args see {@link Options#parse}
     */
    public static void main(String[] args) {
        run(Options.parse(args), System.out);
    }

    /**
     * Runs the study.
     *
     * @param o   the options
     * @param out where the tables go
     * @return the figures
     */
    public static Outcome run(Options o, PrintStream out) {
        XgboostRuntime.check();
        SimulatedSaturationGrid grid = SimulatedSaturationGrid.seedGrid().everyKth(o.every()).requests(o.requests())
                .threads(o.threads()).seed(o.seed());
        out.printf(Locale.ROOT, "Generating saturation points in virtual time: %d grid cells (every %d-th of the seed's "
                + "grid), %d requests per simulation, seed %d, %d threads%n", grid.cells().size(), o.every(),
                o.requests(), o.seed(), o.threads());
        SimulatedSaturationGrid.Generated g = grid.generate();
        List<SaturationPoint> points = g.points();
        out.printf(Locale.ROOT, "%d saturation points (%d H100, %d A100, %d synthetic), %d cells skipped (do not fit "
                + "or no failing rate), %d simulations in %.1f s%n%n", points.size(),
                count(points, p -> p.gpu().startsWith("H100")), count(points, p -> p.gpu().startsWith("A100")),
                count(points, SaturationPredictionStudy::synthetic), g.skipped().size(), g.runs(), g.wallMillis() / 1e3);

        PredictorParams params = PredictorParams.defaults().withSeed(o.seed());
        Predicate<SaturationPoint> syn = SaturationPredictionStudy::synthetic;
        List<PredictionEvaluation.SchemeResult> results = new ArrayList<>();
        out.printf(Locale.ROOT, "MAPE per split scheme (XGBoost %d rounds, depth %d, eta %.2f, subsample %.1f, %s target, "
                + "seed %d; 95 %% bootstrap interval, 1000 resamples, seed %d)%n", params.rounds(), params.maxDepth(),
                params.eta(), params.subsample(), params.logTarget() ? "log" : "raw", params.seed(), o.seed());
        out.println("| scheme | data | folds | train / test | MAPE % | 95 % interval | fold range | seed paper |");
        out.println("|---|---|---|---|---|---|---|---|");
        add(results, row(out, points, "all", SplitScheme.random(0.8, o.seed()), params, o.seed(), "31.1 %"));
        add(results, row(out, points, "all", SplitScheme.random(0.9, o.seed()), params, o.seed(), "33.0 %"));
        add(results, row(out, filter(points, p -> p.gpu().startsWith("H100")), "H100 only",
                SplitScheme.random(0.8, o.seed()), params, o.seed(), "18.8 %"));
        add(results, row(out, filter(points, p -> !p.workload().equals("humaneval")), "without HumanEval",
                SplitScheme.random(0.8, o.seed()), params, o.seed(), "18.9 %"));
        add(results, row(out, filter(points, p -> p.gpu().startsWith("H100") && !p.workload().equals("humaneval")),
                "H100 without HumanEval", SplitScheme.random(0.8, o.seed()), params, o.seed(), "14.9 %"));
        add(results, row(out, points, "all", SplitScheme.heldOutInputLengths(syn), params, o.seed(),
                "34.9–85.3 % (per length)"));
        add(results, row(out, points, "all", SplitScheme.heldOutOutputLengths(syn), params, o.seed(),
                "16.8–69.5 % (per length)"));
        add(results, row(out, points, "all", SplitScheme.crossGpu("A100-40GB", "sharegpt"), params, o.seed(),
                "73.1 %"));
        add(results, row(out, points, "all", SplitScheme.crossGpu("H100-80GB", "sharegpt"), params, o.seed(),
                "> 100 %"));

        Map<String, Double> importance;
        try (SaturationPredictor all = SaturationPredictor.train(points, params)) {
            importance = all.featureImportance();
        }
        out.println();
        out.println("Feature importance (share of total gain, model trained on all points):");
        out.println("| feature | gain share |");
        out.println("|---|---|");
        importance.forEach((k, v) -> out.printf(Locale.ROOT, "| %s | %.3f |%n", k, v));
        out.println();

        ProbeStudy ps = probeStudy(g, params, o, out);
        return new Outcome(g, results, importance, ps);
    }

    private static void add(List<PredictionEvaluation.SchemeResult> results, PredictionEvaluation.SchemeResult r) {
        if (r != null) {
            results.add(r);
        }
    }

    private static PredictionEvaluation.SchemeResult row(PrintStream out, List<SaturationPoint> points, String data,
                                                         SplitScheme scheme, PredictorParams params, long seed,
                                                         String paper) {
        PredictionEvaluation.SchemeResult r;
        try {
            r = PredictionEvaluation.evaluate(points, scheme, params, 1000, 0.95, seed);
        } catch (IllegalArgumentException e) {
            // a small grid may lack what a scheme holds out
            out.printf(Locale.ROOT, "| %s | %s | - | - | n/a | | | %s |   (%s)%n", scheme.name(), data, paper, e.getMessage());
            return null;
        }
        int train = r.folds().get(0).trainSize();
        int test = r.folds().stream().mapToInt(PredictionEvaluation.FoldResult::testSize).sum();
        String range = r.folds().size() > 1 ? String.format(Locale.ROOT, "%.1f–%.1f", r.minFoldMape(), r.maxFoldMape())
                : "";
        out.printf(Locale.ROOT, "| %s | %s | %d | %d / %d | %.1f | [%.1f, %.1f] | %s | %s |%n", r.scheme(), data,
                r.folds().size(), train, test, r.mape(), r.interval().low(), r.interval().high(), range, paper);
        return r;
    }

    /**
     * Searches held-out configurations twice, plainly (doubling from 1 req/s) and from the
     * prediction's starting bracket, both to 5 %, and counts the probes.
     */
    static ProbeStudy probeStudy(SimulatedSaturationGrid.Generated g, PredictorParams params, Options o,
                                 PrintStream out) {
        double tolerance = 0.05;
        List<SaturationPoint> points = g.points();
        // train on a random 80 %, search among the other 20 %: the predictor has never seen them
        Integer[] order = new Integer[points.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(o.seed());
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTrain = (int) Math.round(0.8 * order.length);
        List<SaturationPoint> train = new ArrayList<>();
        for (int i = 0; i < nTrain; i++) {
            train.add(points.get(order[i]));
        }
        int n = Math.min(o.searches(), order.length - nTrain);
        if (n < 1 || nTrain < 2) {
            throw new IllegalArgumentException("the probe study needs at least 3 saturation points, the grid gave "
                    + points.size() + "; use a smaller --every");
        }
        int[] plain = new int[n];
        int[] hinted = new int[n];
        int hintedOk = 0;
        int plainOk = 0;
        int inBracket = 0;
        SimulatedSaturationGrid grid = SimulatedSaturationGrid.seedGrid().requests(o.requests()).seed(o.seed());
        try (SaturationPredictor predictor = SaturationPredictor.train(train, params)) {
            for (int k = 0; k < n; k++) {
                int idx = order[nTrain + k];
                SaturationPoint truth = points.get(idx);
                SimulatedSaturationGrid.Cell cell = g.cells().get(idx);
                SaturationHint hint = SaturationHint.of(predictor.predict(truth), tolerance).clampedTo(0.01, 4096);
                if (truth.saturationRps() >= hint.low() && truth.saturationRps() <= hint.high()) {
                    inBracket++;
                }
                VirtualSaturationSearch.Result a = grid.searchOf(cell).relativePrecision(tolerance).build().run();
                VirtualSaturationSearch.Result b = grid.searchOf(cell).relativePrecision(tolerance)
                        .startingBracket(hint.low(), hint.high()).build().run();
                plain[k] = a.runs();
                hinted[k] = b.runs();
                plainOk += within(a.saturationRate(), truth.saturationRps(), tolerance) ? 1 : 0;
                hintedOk += within(b.saturationRate(), truth.saturationRps(), tolerance) ? 1 : 0;
            }
        }
        out.printf(Locale.ROOT, "Probes per saturation search to 5 %% (%d configurations the predictor was not trained on; "
                + "reference: the grid's search to 2 %%; hint = prediction's bracket [p/1.05^4, p*1.05^4])%n", n);
        out.println("| search | mean | median | p90 | max | <= 4 probes | within ±5 % of the reference |");
        out.println("|---|---|---|---|---|---|---|");
        printProbes(out, "doubling from 1 req/s", plain, plainOk);
        printProbes(out, "from the prediction", hinted, hintedOk);
        out.printf(Locale.ROOT, "Predictions whose bracket held the reference: %d of %d%n", inBracket, n);
        out.printf(Locale.ROOT, "Probes per search, distribution: plain %s; hinted %s%n", histogram(plain),
                histogram(hinted));
        return new ProbeStudy(n, plain, hinted, hintedOk, plainOk, inBracket);
    }

    private static boolean within(double found, double reference, double tolerance) {
        return Math.abs(found - reference) <= tolerance * reference;
    }

    private static void printProbes(PrintStream out, String label, int[] probes, int ok) {
        int[] s = probes.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(Double.NaN);
        long le4 = Arrays.stream(s).filter(x -> x <= 4).count();
        out.printf(Locale.ROOT, "| %s | %.2f | %d | %d | %d | %d of %d | %d of %d |%n", label, mean, s[s.length / 2],
                s[Math.min(s.length - 1, (int) Math.ceil(0.9 * s.length) - 1)], s[s.length - 1], le4, s.length, ok,
                s.length);
    }

    private static String histogram(int[] probes) {
        java.util.TreeMap<Integer, Integer> h = new java.util.TreeMap<>();
        for (int p : probes) {
            h.merge(p, 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        h.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" probes: ").append(v));
        return b.toString();
    }

    private static boolean synthetic(SaturationPoint p) {
        return p.workload().startsWith("synthetic");
    }

    private static List<SaturationPoint> filter(List<SaturationPoint> points, Predicate<SaturationPoint> keep) {
        return points.stream().filter(keep).toList();
    }

    private static long count(List<SaturationPoint> points, Predicate<SaturationPoint> keep) {
        return points.stream().filter(keep).count();
    }
}
