package io.qmeter.eval;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.Gsm8kLoader;
import io.qmeter.eval.data.Gsm8kProblem;
import io.qmeter.eval.score.Gsm8kScorer;
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
import java.util.SplittableRandom;

/**
 * GSM8K as lm-evaluation-harness's {@code gsm8k} task asks and scores it: the prompt is
 * {@code "Question: <q>\nAnswer:"} after {@link QualityOptions#fewShot()} solved examples (default
 * 5) written {@code "Question: <q>\nAnswer: <worked answer>"} and separated by a blank line; greedy
 * generation stops at {@code "Question:"}, {@code "</s>"} or {@code "<|im_end|>"}; the answer is
 * scored by {@link Gsm8kScorer}'s strict match (primary metric {@code exact_match,strict-match})
 * and flexible extraction (secondary, {@code exact_match,flexible-extract}).
 *
 * <p>Few-shot examples are drawn, seeded, from a training file when one is given (lm-eval draws
 * from GSM8K's train split), else from the evaluated file itself without the item being asked; the
 * exact examples differ from lm-eval's, so compare scores at zero shots or with the same file.
 *
 * <pre>{@code
 * QualityScore s = new Gsm8kBenchmark(Path.of("gsm8k-test.jsonl"), Path.of("gsm8k-train.jsonl"))
 *         .run(handle, QualityOptions.defaults().withMaxItems(200).withFewShot(5));
 * }</pre>
 */
public final class Gsm8kBenchmark implements QualityBenchmark {

    /** lm-eval's stop strings for the task. */
    public static final List<String> STOP = List.of("Question:", "</s>", "<|im_end|>");

    /** The secondary metric's name. */
    public static final String FLEXIBLE = "exact_match,flexible-extract";

    private final Path dataset;
    private final Path fewShotPool;

    /** For {@link java.util.ServiceLoader}: the data file comes from the options or {@code QMETER_GSM8K}. */
    public Gsm8kBenchmark() {
        this(null, null);
    }

    /**
     * A benchmark reading the given files.
     *
     * @param dataset     the evaluated file, or {@code null} to take it from the options or {@code QMETER_GSM8K}
     * @param fewShotPool the file few-shot examples are drawn from (the train split), or {@code null}
     */
    public Gsm8kBenchmark(Path dataset, Path fewShotPool) {
        this.dataset = dataset;
        this.fewShotPool = fewShotPool;
    }

    @Override
    public String name() {
        return "gsm8k";
    }

    @Override
    public String metric() {
        return "exact_match,strict-match";
    }

    private Path datasetFor(QualityOptions o) {
        if (o.dataset() != null) {
            return o.dataset();
        }
        if (dataset != null) {
            return dataset;
        }
        String env = System.getenv("QMETER_GSM8K");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        throw new QualityException("no GSM8K data file given: pass QualityOptions.withDataset(path) "
                + "(grade_school_math/data/test.jsonl), build new Gsm8kBenchmark(path, trainPath), or set QMETER_GSM8K");
    }

    /**
     * The prompt for one problem.
     *
     * @param p        the problem
     * @param examples the solved examples to put first
     * @return the prompt
     */
    public static String prompt(Gsm8kProblem p, List<Gsm8kProblem> examples) {
        StringBuilder b = new StringBuilder();
        for (Gsm8kProblem e : examples) {
            b.append("Question: ").append(e.question()).append("\nAnswer: ").append(e.answer()).append("\n\n");
        }
        return b.append("Question: ").append(p.question()).append("\nAnswer:").toString();
    }

    @Override
    public QualityScore run(EngineHandle engine, QualityOptions options) {
        List<Gsm8kProblem> all = Gsm8kLoader.load(datasetFor(options));
        List<Gsm8kProblem> pool = fewShotPool != null ? Gsm8kLoader.load(fewShotPool) : all;
        List<Gsm8kProblem> problems = options.maxItems() > 0 && options.maxItems() < all.size()
                ? all.subList(0, options.maxItems()) : all;
        int shots = options.fewShot() >= 0 ? options.fewShot() : 5;
        if (shots >= pool.size()) {
            throw new QualityException("fewShot " + shots + " needs more than " + pool.size()
                    + " examples in the few-shot pool; lower it or give a larger training file");
        }
        List<Completions.Ask> asks = new ArrayList<>();
        for (Gsm8kProblem p : problems) {
            SplittableRandom rnd = new SplittableRandom(options.seed() * 31 + p.index());
            List<Gsm8kProblem> ex = new ArrayList<>();
            while (ex.size() < shots) {
                Gsm8kProblem e = pool.get(rnd.nextInt(pool.size()));
                boolean self = pool == all && e.index() == p.index();
                if (!self && !ex.contains(e)) {
                    ex.add(e);
                }
            }
            asks.add(new Completions.Ask(prompt(p, ex), STOP, options.seed(),
                    Completions.simulatorHints(engine, name(), p.id(), p.answer())));
        }
        List<Completions.Answer> answers = Completions.ask(engine, asks, options);
        List<ItemResult> items = new ArrayList<>();
        double flexSum = 0;
        for (int i = 0; i < problems.size(); i++) {
            Gsm8kProblem p = problems.get(i);
            Completions.Answer a = answers.get(i);
            if (!a.ok()) {
                items.add(new ItemResult(p.id(), asks.get(i).prompt(), null, 0.0, "request failed: " + a.error(),
                        Map.of(FLEXIBLE, 0.0), a.error()));
                continue;
            }
            String strict = Gsm8kScorer.extractStrict(a.text());
            String flex = Gsm8kScorer.extractFlexible(a.text());
            boolean s = Gsm8kScorer.exactMatch(strict, p.answer());
            boolean f = Gsm8kScorer.exactMatch(flex, p.answer());
            flexSum += f ? 1 : 0;
            String verdict = "strict " + strict + (s ? " = " : " ≠ ") + p.finalAnswer() + ", flexible " + flex
                    + (f ? " = " : " ≠ ") + p.finalAnswer();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(FLEXIBLE, f ? 1.0 : 0.0);
            items.add(new ItemResult(p.id(), asks.get(i).prompt(), a.text(), s ? 1.0 : 0.0, verdict, m, null));
        }
        Map<String, Double> secondary = problems.isEmpty() ? Map.of()
                : Map.of(FLEXIBLE, flexSum / problems.size() * 100);
        return QualityScore.fromItems(name(), metric(), items, secondary, options.seed(), Completions.simulated(engine));
    }
}
