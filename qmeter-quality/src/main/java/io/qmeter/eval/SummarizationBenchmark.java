package io.qmeter.eval;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.SummaryItem;
import io.qmeter.eval.data.SummaryLoader;
import io.qmeter.eval.score.Rouge;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarisation and reading comprehension scored by ROUGE (the seed's NewsQA task): each document
 * (with its question, when the item has one) is sent to {@code /v1/completions} greedily, and the
 * answer is compared with the reference by {@link Rouge} with the Porter stemmer. The primary metric
 * is the ROUGE-L F-measure ×100; ROUGE-1, ROUGE-2 and ROUGE-Lsum are secondary (means of the items'
 * F-measures ×100).
 *
 * <p>Prompts: {@code "<document>\n\nQuestion: <question>\nAnswer:"} with a question, else
 * {@code "Article: <document>\n\nSummary:"}. Generation stops at a blank line ({@code "\n\n"}).
 * Data: {@link QualityOptions#dataset()}, the constructor's file, or {@code QMETER_SUMMARIES}; see
 * {@link SummaryLoader} for the accepted fields.
 *
 * <pre>{@code
 * QualityScore s = new SummarizationBenchmark(Path.of("newsqa.jsonl"))
 *         .run(handle, QualityOptions.defaults().withMaxTokens(128));
 * }</pre>
 */
public final class SummarizationBenchmark implements QualityBenchmark {

    /** Where generation stops. */
    public static final List<String> STOP = List.of("\n\n");

    private final Path dataset;

    /** For {@link java.util.ServiceLoader}: the data file comes from the options or {@code QMETER_SUMMARIES}. */
    public SummarizationBenchmark() {
        this(null);
    }

    /**
     * A benchmark reading the given file.
     *
     * @param dataset the file, or {@code null} to take it from the options or {@code QMETER_SUMMARIES}
     */
    public SummarizationBenchmark(Path dataset) {
        this.dataset = dataset;
    }

    @Override
    public String name() {
        return "summarization";
    }

    @Override
    public String metric() {
        return "rougeL";
    }

    /**
     * The prompt for one item.
     *
     * @param item the item
     * @return the prompt
     */
    public static String prompt(SummaryItem item) {
        return item.question() != null
                ? item.document() + "\n\nQuestion: " + item.question() + "\nAnswer:"
                : "Article: " + item.document() + "\n\nSummary:";
    }

    @Override
    public QualityScore run(EngineHandle engine, QualityOptions options) {
        Path file = options.dataset() != null ? options.dataset() : dataset;
        if (file == null) {
            String env = System.getenv("QMETER_SUMMARIES");
            if (env == null || env.isBlank()) {
                throw new QualityException("no summarisation data file given: pass QualityOptions.withDataset(path) "
                        + "(JSONL with story/article and answer/summary/highlights), build "
                        + "new SummarizationBenchmark(path), or set QMETER_SUMMARIES");
            }
            file = Path.of(env);
        }
        List<SummaryItem> all = SummaryLoader.load(file);
        List<SummaryItem> items = options.maxItems() > 0 && options.maxItems() < all.size()
                ? all.subList(0, options.maxItems()) : all;
        List<Completions.Ask> asks = new ArrayList<>();
        for (SummaryItem i : items) {
            asks.add(new Completions.Ask(prompt(i), STOP, options.seed(),
                    Completions.simulatorHints(engine, name(), i.id(), i.reference())));
        }
        List<Completions.Answer> answers = Completions.ask(engine, asks, options);
        Rouge rouge = Rouge.withStemmer();
        List<ItemResult> out = new ArrayList<>();
        double r1 = 0;
        double r2 = 0;
        double lsum = 0;
        for (int k = 0; k < items.size(); k++) {
            SummaryItem i = items.get(k);
            Completions.Answer a = answers.get(k);
            if (!a.ok()) {
                out.add(new ItemResult(i.id(), asks.get(k).prompt(), null, 0.0, "request failed: " + a.error(),
                        Map.of("rouge1", 0.0, "rouge2", 0.0, "rougeLsum", 0.0), a.error()));
                continue;
            }
            Rouge.Scores s = rouge.score(i.reference(), a.text().strip());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("rouge1", s.rouge1().fmeasure());
            m.put("rouge2", s.rouge2().fmeasure());
            m.put("rougeLsum", s.rougeLsum().fmeasure());
            r1 += s.rouge1().fmeasure();
            r2 += s.rouge2().fmeasure();
            lsum += s.rougeLsum().fmeasure();
            String verdict = String.format(Locale.ROOT, "rouge1 %.1f, rouge2 %.1f, rougeL %.1f, rougeLsum %.1f",
                    s.rouge1().fmeasure() * 100, s.rouge2().fmeasure() * 100, s.rougeL().fmeasure() * 100,
                    s.rougeLsum().fmeasure() * 100);
            out.add(new ItemResult(i.id(), asks.get(k).prompt(), a.text(), s.rougeL().fmeasure(), verdict, m, null));
        }
        Map<String, Double> secondary = new LinkedHashMap<>();
        if (!items.isEmpty()) {
            secondary.put("rouge1", r1 / items.size() * 100);
            secondary.put("rouge2", r2 / items.size() * 100);
            secondary.put("rougeLsum", lsum / items.size() * 100);
        }
        return QualityScore.fromItems(name(), metric(), out, secondary, options.seed(), Completions.simulated(engine));
    }
}
