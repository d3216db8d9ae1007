package io.qmeter.eval;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.MultipleChoiceItem;
import io.qmeter.eval.data.MultipleChoiceLoaders;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multiple choice scored by log-likelihood, as lm-evaluation-harness's {@code multiple_choice}
 * output type does: for every choice {@code i} the log-likelihood {@code ll[i]} of its continuation
 * after its context; {@code acc} is 1 when {@code argmax(ll)} is the gold choice and
 * {@code acc_norm} is 1 when {@code argmax(ll[i] / len(choice[i]))} is, where {@code len} is the
 * choice string's length in characters (Unicode code points: Python's {@code len(str)} of
 * {@code doc_to_choice}; for ASCII choices that is the byte length). Ties go to the first choice,
 * as {@code numpy.argmax}. The primary metric is {@code acc}, {@code acc_norm} is secondary; each
 * item keeps its log-likelihoods.
 *
 * <p>The log-likelihoods come from {@code /v1/completions} with {@code echo} and {@code logprobs}
 * ({@link PromptLogprobs}); the server is probed once and, when it cannot return prompt
 * log-probabilities (llama.cpp's server), the run is refused with a
 * {@link PromptLogprobsUnsupportedException} rather than scored at chance. {@link Mode#GENERATE} is
 * the explicit fallback: the question with lettered options, greedy generation, the first option
 * letter (or option text) in the answer matched against the gold one; it reports {@code acc,generate},
 * a different protocol whose figures are not lm-eval's {@code acc}.
 *
 * <p>Few-shot ({@link QualityOptions#fewShot()}, default 0) puts seeded examples drawn from the same
 * file (never the item itself), each its gold context and continuation, joined by a blank line, after
 * the task's description.
 *
 * <pre>{@code
 * QualityScore s = MultipleChoiceBenchmark.arcChallenge(Path.of("ARC-Challenge-test.jsonl")).run(handle, opts);
 * QualityScore g = MultipleChoiceBenchmark.hellaswag(path).withMode(MultipleChoiceBenchmark.Mode.GENERATE).run(llama, opts);
 * }</pre>
 */
public final class MultipleChoiceBenchmark implements QualityBenchmark {

    /** How answers are obtained. */
    public enum Mode {
        /** Log-likelihood of each choice (lm-eval's {@code acc} / {@code acc_norm}); needs prompt log-probabilities. */
        LOGLIKELIHOOD,
        /** Generate an answer to lettered options and match it: for servers without prompt log-probabilities. */
        GENERATE
    }

    /** The secondary metric's name. */
    public static final String ACC_NORM = "acc_norm";
    /** The generative fallback's metric name. */
    public static final String ACC_GENERATE = "acc,generate";

    private final String name;
    private final Path dataset;
    private final Function<Path, List<MultipleChoiceItem>> loader;
    private final Mode mode;
    private final boolean fixed;

    private MultipleChoiceBenchmark(String name, Path dataset, Function<Path, List<MultipleChoiceItem>> loader, Mode mode,
                                    boolean fixed) {
        this.fixed = fixed;
        this.name = Objects.requireNonNull(name, "name");
        this.dataset = dataset;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * A benchmark over any items.
     *
     * @param name  the benchmark's name
     * @param items the items
     * @return the benchmark, in {@link Mode#LOGLIKELIHOOD}
     */
    public static MultipleChoiceBenchmark of(String name, List<MultipleChoiceItem> items) {
        List<MultipleChoiceItem> copy = List.copyOf(items);
        return new MultipleChoiceBenchmark(name, null, p -> copy, Mode.LOGLIKELIHOOD, true);
    }

    /**
     * HellaSwag from its Hugging Face export ({@link MultipleChoiceLoaders#hellaswag}).
     *
     * @param file the file, or {@code null} to take it from the options
     * @return the benchmark
     */
    public static MultipleChoiceBenchmark hellaswag(Path file) {
        return new MultipleChoiceBenchmark("hellaswag", file, MultipleChoiceLoaders::hellaswag, Mode.LOGLIKELIHOOD, false);
    }

    /**
     * ARC-Challenge from its Hugging Face export ({@link MultipleChoiceLoaders#arc}).
     *
     * @param file the file, or {@code null} to take it from the options
     * @return the benchmark
     */
    public static MultipleChoiceBenchmark arcChallenge(Path file) {
        return new MultipleChoiceBenchmark("arc_challenge", file, MultipleChoiceLoaders::arc, Mode.LOGLIKELIHOOD, false);
    }

    /**
     * ARC-Easy from its Hugging Face export ({@link MultipleChoiceLoaders#arc}).
     *
     * @param file the file, or {@code null} to take it from the options
     * @return the benchmark
     */
    public static MultipleChoiceBenchmark arcEasy(Path file) {
        return new MultipleChoiceBenchmark("arc_easy", file, MultipleChoiceLoaders::arc, Mode.LOGLIKELIHOOD, false);
    }

    /**
     * Winogrande from its Hugging Face export ({@link MultipleChoiceLoaders#winogrande}).
     *
     * @param file the file, or {@code null} to take it from the options
     * @return the benchmark
     */
    public static MultipleChoiceBenchmark winogrande(Path file) {
        return new MultipleChoiceBenchmark("winogrande", file, MultipleChoiceLoaders::winogrande, Mode.LOGLIKELIHOOD, false);
    }

    /**
     * MMLU from its Hugging Face export ({@link MultipleChoiceLoaders#mmlu}).
     *
     * @param file the file, or {@code null} to take it from the options
     * @return the benchmark
     */
    public static MultipleChoiceBenchmark mmlu(Path file) {
        return new MultipleChoiceBenchmark("mmlu", file, MultipleChoiceLoaders::mmlu, Mode.LOGLIKELIHOOD, false);
    }

    /**
     * GPQA from its Hugging Face export ({@link MultipleChoiceLoaders#gpqa}), answers shuffled with {@code seed}.
     *
     * @param file the file, or {@code null} to take it from the options
     * @param seed the answer shuffle's seed
     * @return the benchmark
     */
    public static MultipleChoiceBenchmark gpqa(Path file, long seed) {
        return new MultipleChoiceBenchmark("gpqa", file, p -> MultipleChoiceLoaders.gpqa(p, seed), Mode.LOGLIKELIHOOD, false);
    }

    /**
     * A copy that obtains answers another way.
     *
     * @param m the mode
     * @return the copy
     */
    public MultipleChoiceBenchmark withMode(Mode m) {
        return new MultipleChoiceBenchmark(name, dataset, loader, m, fixed);
    }

    /**
     * How answers are obtained.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String metric() {
        return mode == Mode.LOGLIKELIHOOD ? "acc" : ACC_GENERATE;
    }

    private List<MultipleChoiceItem> items(QualityOptions o) {
        Path file = o.dataset() != null ? o.dataset() : dataset;
        if (file == null && !fixed) {
            throw new QualityException("no " + name + " data file given: pass QualityOptions.withDataset(path) "
                    + "(the Hugging Face JSON Lines export) or build the benchmark with the path");
        }
        return loader.apply(file);
    }

    @Override
    public QualityScore run(EngineHandle engine, QualityOptions options) {
        List<MultipleChoiceItem> all = items(options);
        List<MultipleChoiceItem> items = options.maxItems() > 0 && options.maxItems() < all.size()
                ? all.subList(0, options.maxItems()) : all;
        int shots = Math.max(0, options.fewShot());
        if (shots > 0 && shots >= all.size()) {
            throw new QualityException("fewShot " + shots + " needs more than " + all.size() + " items in the file");
        }
        List<String> prefixes = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            prefixes.add(prefix(all, k, shots, options.seed()));
        }
        return mode == Mode.LOGLIKELIHOOD ? byLogLikelihood(engine, items, prefixes, options)
                : byGeneration(engine, items, prefixes, options);
    }

    private static String prefix(List<MultipleChoiceItem> all, int k, int shots, long seed) {
        MultipleChoiceItem item = all.get(k);
        if (shots == 0) {
            return item.description();
        }
        SplittableRandom rnd = new SplittableRandom(seed * 31 + k);
        List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < shots) {
            int j = rnd.nextInt(all.size());
            if (j != k && !chosen.contains(j)) {
                chosen.add(j);
            }
        }
        StringBuilder b = new StringBuilder(item.description());
        for (int j : chosen) {
            MultipleChoiceItem e = all.get(j);
            b.append(e.context(e.gold())).append(e.continuation(e.gold())).append("\n\n");
        }
        return b.toString();
    }

    private QualityScore byLogLikelihood(EngineHandle engine, List<MultipleChoiceItem> items, List<String> prefixes,
                                         QualityOptions options) {
        PromptLogprobs lp;
        try {
            lp = PromptLogprobs.open(engine, options.requestTimeout());
        } catch (PromptLogprobsUnsupportedException e) {
            throw new PromptLogprobsUnsupportedException(name + ": " + e.getMessage() + ". To score anyway by "
                    + "generating an answer letter and matching it (a different protocol, not lm-eval's acc), use "
                    + "withMode(MultipleChoiceBenchmark.Mode.GENERATE)", e.reason());
        }
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "qmeter-loglik");
            t.setDaemon(true);
            return t;
        });
        try {
            List<List<Future<PromptLogprobs.LogLikelihood>>> fs = new ArrayList<>();
            for (int k = 0; k < items.size(); k++) {
                MultipleChoiceItem it = items.get(k);
                String prefix = prefixes.get(k);
                List<Future<PromptLogprobs.LogLikelihood>> row = new ArrayList<>();
                for (int i = 0; i < it.size(); i++) {
                    String ctx = prefix + it.context(i);
                    String cont = it.continuation(i);
                    row.add(pool.submit(() -> lp.logLikelihood(ctx, cont)));
                }
                fs.add(row);
            }
            List<ItemResult> results = new ArrayList<>();
            double normSum = 0;
            for (int k = 0; k < items.size(); k++) {
                MultipleChoiceItem it = items.get(k);
                String request = prefixes.get(k) + it.context(it.gold()) + " | choices " + it.choices();
                double[] ll = new double[it.size()];
                String error = null;
                for (int i = 0; i < it.size() && error == null; i++) {
                    try {
                        ll[i] = fs.get(k).get(i).get().logLikelihood();
                    } catch (ExecutionException e) {
                        error = "choice " + i + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new QualityException(name + " was interrupted", e);
                    }
                }
                if (error != null) {
                    results.add(new ItemResult(it.id(), request, null, 0.0, "request failed: " + error,
                            Map.of(ACC_NORM, 0.0), error));
                    continue;
                }
                Scores s = score(ll, it.choices());
                boolean acc = s.pred() == it.gold();
                boolean norm = s.predNorm() == it.gold();
                normSum += norm ? 1 : 0;
                results.add(new ItemResult(it.id(), request, "loglikelihoods " + Arrays.toString(ll), acc ? 1.0 : 0.0,
                        "pred " + s.pred() + ", pred_norm " + s.predNorm() + ", gold " + it.gold(),
                        Map.of(ACC_NORM, norm ? 1.0 : 0.0), null));
            }
            Map<String, Double> secondary = items.isEmpty() ? Map.of() : Map.of(ACC_NORM, normSum / items.size() * 100);
            return QualityScore.fromItems(name, metric(), results, secondary, options.seed(),
                    Completions.simulated(engine));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * lm-eval's predictions from the choices' log-likelihoods.
     *
     * @param pred     {@code argmax(ll)}
     * @param predNorm {@code argmax(ll / len(choice))}
     */
    public record Scores(int pred, int predNorm) {
    }

    /**
     * The predictions lm-eval's {@code multiple_choice} makes from log-likelihoods: {@code argmax(ll)}
     * and {@code argmax(ll / len(choice))}, the length in code points, the first index on a tie.
     *
     * @param ll      the log-likelihood of each choice
     * @param choices the choice strings
     * @return the two predictions
     */
    public static Scores score(double[] ll, List<String> choices) {
        if (ll.length != choices.size() || ll.length == 0) {
            throw new IllegalArgumentException(ll.length + " log-likelihoods for " + choices.size() + " choices");
        }
        int pred = 0;
        int predNorm = 0;
        double bestNorm = ll[0] / choices.get(0).codePointCount(0, choices.get(0).length());
        for (int i = 1; i < ll.length; i++) {
            if (ll[i] > ll[pred]) {
                pred = i;
            }
            double n = ll[i] / choices.get(i).codePointCount(0, choices.get(i).length());
            if (n > bestNorm) {
                bestNorm = n;
                predNorm = i;
            }
        }
        return new Scores(pred, predNorm);
    }

    private static final Pattern LETTER = Pattern.compile("(?<![A-Za-z])([A-Z])(?![A-Za-z])");

    /**
     * The generative fallback's prompt: the prefix, the question, one line per option
     * ({@code "A. option"}), then {@code "Answer:"}.
     *
     * @param prefix the description and few-shot text
     * @param item   the item
     * @return the prompt
     */
    public static String generationPrompt(String prefix, MultipleChoiceItem item) {
        StringBuilder b = new StringBuilder(prefix).append(item.question().strip());
        for (int i = 0; i < item.size(); i++) {
            b.append('\n').append((char) ('A' + i)).append(". ").append(item.options().get(i));
        }
        return b.append("\nAnswer:").toString();
    }

    /**
     * The option an answer names: the first stand-alone capital letter among the options' letters,
     * else the option whose text the answer starts with (case-insensitive), else -1.
     *
     * @param answer  the generated text
     * @param options the options
     * @return the option's index, or -1
     */
    public static int answered(String answer, List<String> options) {
        Matcher m = LETTER.matcher(answer);
        while (m.find()) {
            int i = m.group(1).charAt(0) - 'A';
            if (i < options.size()) {
                return i;
            }
        }
        String a = answer.strip().toLowerCase(Locale.ROOT);
        for (int i = 0; i < options.size(); i++) {
            String o = options.get(i).strip().toLowerCase(Locale.ROOT);
            if (!o.isEmpty() && a.startsWith(o)) {
                return i;
            }
        }
        return -1;
    }

    private QualityScore byGeneration(EngineHandle engine, List<MultipleChoiceItem> items, List<String> prefixes,
                                      QualityOptions options) {
        List<Completions.Ask> asks = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            MultipleChoiceItem it = items.get(k);
            String gold = String.valueOf((char) ('A' + it.gold()));
            asks.add(new Completions.Ask(generationPrompt(prefixes.get(k), it), List.of("\n"), options.seed(),
                    Completions.simulatorHints(engine, name, it.id(), gold)));
        }
        List<Completions.Answer> answers = Completions.ask(engine, asks,
                options.withMaxTokens(Math.min(options.maxTokens(), 16)));
        List<ItemResult> results = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            MultipleChoiceItem it = items.get(k);
            Completions.Answer a = answers.get(k);
            if (!a.ok()) {
                results.add(new ItemResult(it.id(), asks.get(k).prompt(), null, 0.0, "request failed: " + a.error(),
                        Map.of(), a.error()));
                continue;
            }
            int chosen = answered(a.text(), it.options());
            boolean ok = chosen == it.gold();
            Map<String, Double> m = new LinkedHashMap<>();
            results.add(new ItemResult(it.id(), asks.get(k).prompt(), a.text(), ok ? 1.0 : 0.0,
                    (chosen < 0 ? "no option named" : "answered " + (char) ('A' + chosen)) + ", gold "
                            + (char) ('A' + it.gold()), m, null));
        }
        return QualityScore.fromItems(name, metric(), results, Map.of(), options.seed(), Completions.simulated(engine));
    }
}
