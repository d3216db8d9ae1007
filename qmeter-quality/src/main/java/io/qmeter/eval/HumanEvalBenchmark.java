package io.qmeter.eval;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.HumanEvalLoader;
import io.qmeter.eval.data.HumanEvalProblem;
import io.qmeter.eval.sandbox.ExecutionResult;
import io.qmeter.eval.sandbox.Sandbox;
import io.qmeter.eval.score.PassAtK;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HumanEval (Chen et al., 2021): each problem's prompt is sent to {@code /v1/completions} with the
 * harness's stop sequences ({@link #STOP}), the completion is appended to the prompt, followed by
 * the problem's tests and {@code check(entry_point)}, and the program is run in a {@link Sandbox}
 * (bubblewrap unless explicitly told otherwise). The primary metric is pass@1; with
 * {@link QualityOptions#samples()} n &gt; 1 per problem, pass@k for k in 1, 10, 100 (k ≤ n) by the
 * unbiased estimator ({@link PassAtK}). A failed request counts as a failed sample with its error kept.
 *
 * <p>Data: {@link QualityOptions#dataset()}, else the file given to the constructor, else the
 * {@code QMETER_HUMANEVAL} environment variable; OpenAI's {@code HumanEval.jsonl.gz} as published.
 *
 * <pre>{@code
 * QualityScore s = new HumanEvalBenchmark(Sandbox.bubblewrap(), Path.of("HumanEval.jsonl.gz"))
 *         .run(handle, QualityOptions.defaults().withMaxTokens(512));
 * System.out.println(s.value() + " pass@1");
 * }</pre>
 */
public final class HumanEvalBenchmark implements QualityBenchmark {

    /** The stop sequences of the HumanEval harness (and lm-eval's humaneval task). */
    public static final List<String> STOP = List.of("\nclass", "\ndef", "\n#", "\nif", "\nprint");

    private static final Logger LOG = LoggerFactory.getLogger(HumanEvalBenchmark.class);
    private static final int[] KS = {1, 10, 100};

    private final Sandbox sandbox;
    private final Path dataset;

    /** For {@link java.util.ServiceLoader}: a bubblewrap sandbox (made when run) and no default file. */
    public HumanEvalBenchmark() {
        this(null, null);
    }

    /**
     * A benchmark with its sandbox and data file.
     *
     * @param sandbox the sandbox, or {@code null} for {@link Sandbox#bubblewrap()} made when run
     * @param dataset the HumanEval file, or {@code null} to take it from the options or the environment
     */
    public HumanEvalBenchmark(Sandbox sandbox, Path dataset) {
        this.sandbox = sandbox;
        this.dataset = dataset;
    }

    @Override
    public String name() {
        return "humaneval";
    }

    @Override
    public String metric() {
        return "pass@1";
    }

    private Path datasetFor(QualityOptions o) {
        if (o.dataset() != null) {
            return o.dataset();
        }
        if (dataset != null) {
            return dataset;
        }
        String env = System.getenv("QMETER_HUMANEVAL");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        throw new QualityException("no HumanEval data file given: pass QualityOptions.withDataset(path) "
                + "(OpenAI's HumanEval.jsonl.gz), build new HumanEvalBenchmark(sandbox, path), or set QMETER_HUMANEVAL");
    }

    @Override
    public QualityScore run(EngineHandle engine, QualityOptions options) {
        List<HumanEvalProblem> problems = HumanEvalLoader.load(datasetFor(options));
        if (options.maxItems() > 0 && options.maxItems() < problems.size()) {
            problems = problems.subList(0, options.maxItems());
        }
        Sandbox box = (sandbox != null ? sandbox : Sandbox.bubblewrap()).withTimeout(options.executionTimeout());
        int n = options.samples();
        if (n > 1 && options.temperature() == 0) {
            LOG.warn("HumanEval with {} samples per problem at temperature 0: greedy samples are usually identical, "
                    + "so pass@k for k > 1 equals pass@1; set a temperature (the Codex paper used 0.2 for pass@1, "
                    + "0.8 for pass@100)", n);
        }
        List<Completions.Ask> asks = new ArrayList<>();
        for (HumanEvalProblem p : problems) {
            for (int s = 0; s < n; s++) {
                asks.add(new Completions.Ask(p.prompt(), STOP, options.seed() + s,
                        Completions.simulatorHints(engine, name(), p.taskId() + "#" + s, p.canonicalSolution())));
            }
        }
        long t0 = System.nanoTime();
        List<Completions.Answer> answers = Completions.ask(engine, asks, options);
        long t1 = System.nanoTime();
        List<String> programs = new ArrayList<>();
        List<Integer> programOf = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Completions.Answer a = answers.get(i);
            if (a.ok()) {
                programOf.add(programs.size());
                programs.add(problems.get(i / n).program(a.text()));
            } else {
                programOf.add(-1);
            }
        }
        List<ExecutionResult> runs = box.runAll(programs);
        long t2 = System.nanoTime();
        LOG.info("HumanEval: {} problems x {} samples; generation {} ms, execution {} ms in {}", problems.size(), n,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, box);
        List<ItemResult> items = new ArrayList<>();
        double[] sums = new double[KS.length];
        for (int p = 0; p < problems.size(); p++) {
            HumanEvalProblem prob = problems.get(p);
            int c = 0;
            String firstFailure = null;
            String firstError = null;
            for (int s = 0; s < n; s++) {
                int i = p * n + s;
                Completions.Answer a = answers.get(i);
                if (!a.ok()) {
                    firstFailure = firstFailure == null ? "request failed: " + a.error() : firstFailure;
                    firstError = firstError == null ? a.error() : firstError;
                    continue;
                }
                ExecutionResult r = runs.get(programOf.get(i));
                if (r.passed()) {
                    c++;
                } else if (firstFailure == null) {
                    firstFailure = r.verdict();
                }
            }
            Map<String, Double> m = new LinkedHashMap<>();
            for (int k = 0; k < KS.length; k++) {
                if (KS[k] <= n) {
                    double e = PassAtK.estimate(n, c, KS[k]);
                    m.put("pass@" + KS[k], e);
                    sums[k] += e;
                }
            }
            String verdict = n == 1 ? (c == 1 ? "passed" : firstFailure)
                    : c + "/" + n + " samples passed" + (firstFailure != null ? "; first failure: " + firstFailure : "");
            items.add(new ItemResult(prob.taskId(), prob.prompt(), answers.get(p * n).text(), m.get("pass@1"),
                    verdict, m, firstError));
        }
        Map<String, Double> secondary = new LinkedHashMap<>();
        for (int k = 1; k < KS.length; k++) {
            if (KS[k] <= n && !problems.isEmpty()) {
                secondary.put("pass@" + KS[k], sums[k] / problems.size() * 100);
            }
        }
        return QualityScore.fromItems(name(), metric(), items, secondary, options.seed(),
                Completions.simulated(engine));
    }
}
