package io.qmeter.eval;

import io.qmeter.eval.data.DatasetException;
import io.qmeter.eval.data.HumanEvalLoader;
import io.qmeter.eval.data.HumanEvalProblem;
import io.qmeter.eval.data.ShareGptLoader;
import io.qmeter.eval.data.SummaryItem;
import io.qmeter.eval.data.SummaryLoader;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.ShuffledReplay;
import io.qmeter.workload.TokenCounter;
import io.qmeter.workload.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A performance workload that replays a real data set: each item's real prompt, asking for as many
 * output tokens as its reference answer has (send with {@code ignore_eos} to make it exact), as the
 * seed's Table 2 workloads do (HumanEval ≈ 193 / 67 tokens, NewsQA ≈ 806 / 200, ShareGPT ≈ 331 /
 * 231). The prompts are the ones the quality benchmarks send ({@link HumanEvalBenchmark}: the
 * problem's prompt, reference its canonical solution; {@link SummarizationBenchmark#prompt}: the
 * story and question, reference the answer or summary; ShareGPT: the first human turn, reference the
 * reply after it). Items whose prompt or reference counts under one token are left out. Token counts
 * come from a {@link TokenCounter} (default: the ~4 characters/token estimate). Each
 * {@link #prompts(long)} call shuffles the items with the seed and replays them once
 * ({@link #cycled()} repeats the shuffled order endlessly).
 *
 * <pre>{@code
 * Workload w = DatasetWorkload.humanEval(Path.of("HumanEval.jsonl.gz")).cycled();
 * Workload n = DatasetWorkload.summarization(Path.of("newsqa.jsonl"), myTokenizer::count);
 * }</pre>
 */
public final class DatasetWorkload implements Workload {

    private final String name;
    private final List<PromptSpec> prompts;
    private final int skipped;
    private final boolean cycled;

    private DatasetWorkload(String name, List<PromptSpec> prompts, int skipped, boolean cycled) {
        this.name = name;
        this.prompts = prompts;
        this.skipped = skipped;
        this.cycled = cycled;
    }

    private static DatasetWorkload build(String kind, Path file, List<String[]> pairs, TokenCounter counter) {
        Objects.requireNonNull(counter, "counter");
        List<PromptSpec> out = new ArrayList<>();
        int skipped = 0;
        for (String[] p : pairs) {
            int in = counter.count(p[0]);
            int outTokens = counter.count(p[1]);
            if (in < 1 || outTokens < 1) {
                skipped++;
                continue;
            }
            out.add(PromptSpec.ofText(p[0], in, outTokens).withReference(p[1]));
        }
        if (out.isEmpty()) {
            throw new DatasetException(kind + ": " + file + " has no item with a non-empty prompt and reference ("
                    + skipped + " skipped)");
        }
        return new DatasetWorkload(kind + "(" + file.getFileName() + ")", List.copyOf(out), skipped, false);
    }

    /**
     * HumanEval replayed: prompt the problem's prompt, output length its canonical solution's.
     *
     * @param file the HumanEval JSON Lines file (plain or gzipped)
     * @return the workload
     * @throws DatasetException when the file is missing or malformed
     */
    public static DatasetWorkload humanEval(Path file) {
        return humanEval(file, TokenCounter.estimate());
    }

    /**
     * HumanEval replayed with a token counter.
     *
     * @param file    the file
     * @param counter counts tokens
     * @return the workload
     */
    public static DatasetWorkload humanEval(Path file, TokenCounter counter) {
        List<String[]> pairs = new ArrayList<>();
        for (HumanEvalProblem p : HumanEvalLoader.load(file)) {
            pairs.add(new String[] {p.prompt(), p.canonicalSolution()});
        }
        return build("humaneval", file, pairs, counter);
    }

    /**
     * A NewsQA / CNN-DM-style file replayed: prompt as {@link SummarizationBenchmark#prompt},
     * output length the reference answer's or summary's.
     *
     * @param file the JSON Lines file ({@link SummaryLoader}'s fields)
     * @return the workload
     * @throws DatasetException when the file is missing or malformed
     */
    public static DatasetWorkload summarization(Path file) {
        return summarization(file, TokenCounter.estimate());
    }

    /**
     * A NewsQA / CNN-DM-style file replayed with a token counter.
     *
     * @param file    the file
     * @param counter counts tokens
     * @return the workload
     */
    public static DatasetWorkload summarization(Path file, TokenCounter counter) {
        List<String[]> pairs = new ArrayList<>();
        for (SummaryItem s : SummaryLoader.load(file)) {
            pairs.add(new String[] {SummarizationBenchmark.prompt(s), s.reference()});
        }
        return build("newsqa", file, pairs, counter);
    }

    /**
     * A ShareGPT file replayed: the first human turn of each conversation, output length the reply
     * after it (conversations without one are left out). Unlike core's {@code ShareGptWorkload} it
     * applies no length bounds and reports malformed items by index and field.
     *
     * @param file the ShareGPT JSON file
     * @return the workload
     * @throws DatasetException when the file is missing or malformed
     */
    public static DatasetWorkload shareGpt(Path file) {
        return shareGpt(file, TokenCounter.estimate());
    }

    /**
     * A ShareGPT file replayed with a token counter.
     *
     * @param file    the file
     * @param counter counts tokens
     * @return the workload
     */
    public static DatasetWorkload shareGpt(Path file, TokenCounter counter) {
        List<String[]> pairs = new ArrayList<>();
        int noExchange = 0;
        for (ShareGptLoader.Conversation c : ShareGptLoader.load(file)) {
            List<String> ex = c.firstExchange();
            if (ex.isEmpty()) {
                noExchange++;
            } else {
                pairs.add(new String[] {ex.get(0), ex.get(1)});
            }
        }
        DatasetWorkload w = build("sharegpt", file, pairs, counter);
        return new DatasetWorkload(w.name, w.prompts, w.skipped + noExchange, false);
    }

    /**
     * A copy that repeats its shuffled items endlessly, for runs longer than the data set.
     *
     * @return the endless copy
     */
    public DatasetWorkload cycled() {
        return new DatasetWorkload(name, prompts, skipped, true);
    }

    /**
     * Usable items.
     *
     * @return the count
     */
    public int size() {
        return prompts.size();
    }

    /**
     * Items left out (empty prompt or reference, or no exchange).
     *
     * @return the count
     */
    public int skipped() {
        return skipped;
    }

    /**
     * The mean input and output token counts over the usable items.
     *
     * @return {@code [mean input, mean output]}
     */
    public double[] meanLengths() {
        double in = 0;
        double out = 0;
        for (PromptSpec p : prompts) {
            in += p.inputTokens();
            out += p.outputTokens();
        }
        return new double[] {in / prompts.size(), out / prompts.size()};
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Iterator<PromptSpec> prompts(long seed) {
        return ShuffledReplay.of(prompts, seed, cycled, name);
    }

    @Override
    public Map<String, Object> describe() {
        double[] m = meanLengths();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("items", prompts.size());
        d.put("skipped", skipped);
        d.put("cycled", cycled);
        d.put("meanInputTokens", Math.round(m[0] * 10) / 10.0);
        d.put("meanOutputTokens", Math.round(m[1] * 10) / 10.0);
        return d;
    }

    @Override
    public String toString() {
        return name;
    }
}
