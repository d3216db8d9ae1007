package io.qmeter.eval;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.TriviaQaItem;
import io.qmeter.eval.data.TriviaQaLoader;
import io.qmeter.eval.score.AliasMatch;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TriviaQA, closed book: the prompt is lm-eval's {@code "Question: <question>?\nAnswer:"}, greedy
 * generation stops at a newline, a period or a comma (lm-eval's stop strings), and the answer is
 * correct when it equals any accepted alias after the SQuAD normalisation ({@link AliasMatch}).
 * lm-eval itself compares after lower-casing and removing punctuation only (articles kept), so an
 * answer like "The Beatles" against the alias "Beatles" counts here and not there.
 *
 * <pre>{@code
 * QualityScore s = new TriviaQaBenchmark(Path.of("triviaqa-validation.jsonl")).run(handle, QualityOptions.defaults());
 * }</pre>
 */
public final class TriviaQaBenchmark implements QualityBenchmark {

    /** lm-eval's stop strings for the task. */
    public static final List<String> STOP = List.of("\n", ".", ",");

    private final Path dataset;

    /** For {@link java.util.ServiceLoader}: the data file comes from the options or {@code QMETER_TRIVIAQA}. */
    public TriviaQaBenchmark() {
        this(null);
    }

    /**
     * A benchmark reading the given file.
     *
     * @param dataset the file, or {@code null} to take it from the options or {@code QMETER_TRIVIAQA}
     */
    public TriviaQaBenchmark(Path dataset) {
        this.dataset = dataset;
    }

    @Override
    public String name() {
        return "triviaqa";
    }

    @Override
    public String metric() {
        return "exact_match";
    }

    /**
     * The prompt for one question (lm-eval's; it appends "?" to the question as written).
     *
     * @param item the question
     * @return the prompt
     */
    public static String prompt(TriviaQaItem item) {
        return "Question: " + item.question() + "?\nAnswer:";
    }

    @Override
    public QualityScore run(EngineHandle engine, QualityOptions options) {
        Path file = options.dataset() != null ? options.dataset() : dataset;
        if (file == null) {
            String env = System.getenv("QMETER_TRIVIAQA");
            if (env == null || env.isBlank()) {
                throw new QualityException("no TriviaQA data file given: pass QualityOptions.withDataset(path) "
                        + "(the Hugging Face JSONL export), build new TriviaQaBenchmark(path), or set QMETER_TRIVIAQA");
            }
            file = Path.of(env);
        }
        List<TriviaQaItem> all = TriviaQaLoader.load(file);
        List<TriviaQaItem> items = options.maxItems() > 0 && options.maxItems() < all.size()
                ? all.subList(0, options.maxItems()) : all;
        List<Completions.Ask> asks = new ArrayList<>();
        for (TriviaQaItem i : items) {
            asks.add(new Completions.Ask(prompt(i), STOP, options.seed(),
                    Completions.simulatorHints(engine, name(), i.id(), i.aliases().isEmpty() ? null : i.aliases().get(0))));
        }
        List<Completions.Answer> answers = Completions.ask(engine, asks, options);
        List<ItemResult> out = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            TriviaQaItem i = items.get(k);
            Completions.Answer a = answers.get(k);
            if (!a.ok()) {
                out.add(new ItemResult(i.id(), asks.get(k).prompt(), null, 0.0, "request failed: " + a.error(), Map.of(),
                        a.error()));
                continue;
            }
            boolean ok = AliasMatch.matches(a.text(), i.aliases());
            String verdict = (ok ? "correct: " : "wrong: ") + "'" + AliasMatch.normalize(a.text()) + "'"
                    + (ok ? " is among " : " is not among ") + i.aliases().size() + " aliases";
            out.add(new ItemResult(i.id(), asks.get(k).prompt(), a.text(), ok ? 1.0 : 0.0, verdict, Map.of(), null));
        }
        return QualityScore.fromItems(name(), metric(), out, Map.of(), options.seed(), Completions.simulated(engine));
    }
}
