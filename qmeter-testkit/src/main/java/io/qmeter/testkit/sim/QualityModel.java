package io.qmeter.testkit.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated engine's answers to quality items: for a model size × quantization method × task
 * it answers an item correctly with probability {@code base × (1 − drop)}, otherwise wrongly, so
 * that the real scorers see realistic, seeded quality data without a GPU. <b>Simulated figures,
 * not measurements</b>: every score made from these answers must be labelled simulated.
 *
 * <p><b>Base</b> (FP16 accuracy, 0–1) per task family and model size, approximately the published
 * Llama-2 / Code Llama figures (GSM8K 8-shot, HumanEval pass@1, TriviaQA 1-shot); summarization
 * counts a "correct" answer as the reference itself (ROUGE 100) and a wrong one as unrelated words.
 * The benchmarks the seed averages into chat-S and chat-R have their own FP16 base per size
 * ({@link #base(String)}), the Llama 2 paper's base-model figures (Touvron et al. 2023,
 * arXiv:2307.09288, Table 3 and Table 20): MMLU 5-shot 45.3 / 54.8 / 62.6 / 68.9, BBH 3-shot
 * 32.6 / 39.4 / 44.1 / 51.2, HellaSwag 77.2 / 80.7 / 83.3 / 85.3, ARC-Challenge 45.9 / 49.4 / 54.5 /
 * 57.4, WinoGrande 69.2 / 72.8 / 76.7 / 80.2 for 7B / 13B / 34B / 70B (the 34B class uses Llama 2
 * 34B's figures); they are QA for the drop, so the quantization losses are unchanged.
 * <b>Drop</b> (relative loss vs FP16) = the method's severity on code and math at 13B × a size and
 * task factor. Severities follow the seed paper's stated degradations
 * ({@code shared/calibration/paper-anchors.md}, Quality): W8A8-INT the most severe (13B HumanEval
 * −92 %), W8A16-INT / W8A8-FP / W8A8KV8-FP within 5–10 %, W4A16-INT and W4A8 up to 22 % on larger
 * models, a compressed KV cache worse for weight-only methods. Factors: losses are severe on code
 * and math, small on simple QA and summarization (13B QA factor 0.18, so W8A8KV8-INT loses 16 % on
 * chat, as the paper's chat-S 13B figure 60 → 50.5); 34B moderate on QA (0.5), severe on code and
 * math (0.8); 70B nearly lossless on QA (0.1), at most about 22 % on code and math except W8A8-INT
 * (0.35).
 *
 * <p>Per item, one uniform draw from SHA-256(seed, task, item) is compared with the probability,
 * the same draw for every method: an item a quantized model answers correctly is also answered
 * correctly by FP16 of the same size (common random numbers keep the comparison sharp).
 *
 * <pre>{@code
 * QualityModel m = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8_INT);
 * double p = m.probabilityCorrect("gsm8k");              // 0.287 × (1 − 0.92)
 * String text = m.answer("gsm8k", "gsm8k/17", " ... #### 18", 7L); // " ... #### 18" or a wrong number
 * }</pre>
 *
 * @param model  the model
 * @param method the quantization method
 */
public record QualityModel(ModelSpec model, QuantMethod method) {

    /** The task families the model knows. */
    public enum Family {
        /** Math word problems (GSM8K). */
        MATH,
        /** Code generation (HumanEval). */
        CODE,
        /** Short-answer QA (TriviaQA) and anything unknown. */
        QA,
        /** Summarization (NewsQA / CNN-DM, ROUGE). */
        SUMMARIZATION
    }

    /** Relative loss on code and math at 13B, per method (0 = lossless, 1 = nothing right). */
    private static final Map<String, Double> SEVERITY = Map.ofEntries(
            Map.entry("FP16", 0.0),
            Map.entry("W8A16-INT", 0.08),
            Map.entry("W8A8-FP", 0.07),
            Map.entry("W8A8KV8-FP", 0.10),
            Map.entry("W8A16KV8-INT", 0.14),
            Map.entry("W4A16-INT", 0.28),
            Map.entry("W4A8", 0.28),
            Map.entry("W4A8KV8", 0.32),
            Map.entry("W4A16KV8-INT", 0.36),
            Map.entry("W4A8KV4", 0.45),
            Map.entry("W8A8-INT", 0.92),
            Map.entry("W8A8KV8-INT", 0.92));

    /**
     * FP16 accuracy per benchmark and size class (7B, 13B, 34B, 70B), Llama 2 base models (Touvron
     * et al. 2023, Tables 3 and 20).
     */
    private static final Map<String, double[]> TASK_BASE = Map.of(
            "mmlu", new double[] {0.453, 0.548, 0.626, 0.689},
            "bbh", new double[] {0.326, 0.394, 0.441, 0.512},
            "hellaswag", new double[] {0.772, 0.807, 0.833, 0.853},
            "arc_challenge", new double[] {0.459, 0.494, 0.545, 0.574},
            "winogrande", new double[] {0.692, 0.728, 0.767, 0.802});

    private static final Pattern FINAL_NUMBER = Pattern.compile("####\\s*(-?[0-9.,]+)");

    /**
     * The model for a configuration.
     *
     * @param model  the model
     * @param method the method
     * @return the quality model
     */
    public static QualityModel of(ModelSpec model, QuantMethod method) {
        return new QualityModel(model, method);
    }

    /**
     * The family a benchmark name belongs to: {@code gsm8k}/{@code math}… MATH, {@code humaneval}/{@code code}…
     * CODE, {@code summarization}/{@code newsqa}/{@code cnn}… SUMMARIZATION, everything else QA.
     *
     * @param task the benchmark's name
     * @return the family
     */
    public static Family family(String task) {
        String t = task == null ? "" : task.toLowerCase(Locale.ROOT);
        if (t.contains("gsm") || t.contains("math")) {
            return Family.MATH;
        }
        if (t.contains("humaneval") || t.contains("code") || t.contains("mbpp")) {
            return Family.CODE;
        }
        if (t.contains("summar") || t.contains("newsqa") || t.contains("cnn") || t.contains("rouge")) {
            return Family.SUMMARIZATION;
        }
        return Family.QA;
    }

    /** Size class by parameter count: 0 = up to 10 B, 1 = up to 20 B, 2 = up to 50 B, 3 = larger. */
    private int sizeClass() {
        double b = model.totalParams() / 1e9;
        return b < 10 ? 0 : b < 20 ? 1 : b < 50 ? 2 : 3;
    }

    /**
     * FP16 accuracy of this model size on a task family, 0–1.
     *
     * @param family the family
     * @return the base probability of a correct answer
     */
    public double base(Family family) {
        int s = sizeClass();
        switch (family) {
            case MATH:
                return new double[] {0.146, 0.287, 0.42, 0.568}[s];
            case CODE:
                return new double[] {0.128, 0.183, 0.488, 0.299}[s];
            case SUMMARIZATION:
                return new double[] {0.18, 0.20, 0.21, 0.23}[s];
            default:
                return new double[] {0.72, 0.77, 0.80, 0.85}[s];
        }
    }

    /**
     * FP16 accuracy of this model size on a benchmark, 0–1: the published figure for MMLU
     * ({@code mmlu}, {@code mmlu_*}), BBH ({@code bbh}, {@code bbh_*}, {@code bigbench_hard}),
     * HellaSwag, ARC-Challenge ({@code arc_challenge}, {@code arc-c}) and WinoGrande, otherwise the
     * base of the benchmark's {@link #family(String) family}.
     *
     * @param task the benchmark's name
     * @return the base probability of a correct answer
     */
    public double base(String task) {
        String key = benchmarkKey(task);
        double[] b = key == null ? null : TASK_BASE.get(key);
        return b != null ? b[sizeClass()] : base(family(task));
    }

    private static String benchmarkKey(String task) {
        String t = task == null ? "" : task.toLowerCase(Locale.ROOT).replace('-', '_');
        if (t.startsWith("mmlu")) {
            return "mmlu";
        }
        if (t.startsWith("bbh") || t.startsWith("bigbench_hard") || t.startsWith("big_bench_hard")) {
            return "bbh";
        }
        if (t.startsWith("hellaswag")) {
            return "hellaswag";
        }
        if (t.equals("arc_challenge") || t.equals("arc_c") || t.startsWith("arc_challenge_")) {
            return "arc_challenge";
        }
        if (t.startsWith("winogrande")) {
            return "winogrande";
        }
        return null;
    }

    /**
     * The relative loss versus FP16 of this method and size on a task family, 0–1.
     *
     * @param family the family
     * @return the drop
     */
    public double drop(Family family) {
        double severity = SEVERITY.getOrDefault(method.name(), 0.3);
        boolean hard = family == Family.MATH || family == Family.CODE;
        double factor = switch (sizeClass()) {
            case 0, 1 -> hard ? 1.0 : 0.18;
            case 2 -> hard ? 0.8 : 0.5;
            default -> hard ? 0.35 : 0.1;
        };
        return Math.min(1, severity * factor);
    }

    /**
     * The probability of a correct answer on a task: {@code base(task) × (1 − drop(family))}.
     *
     * @param task the benchmark's name
     * @return the probability, 0–1
     */
    public double probabilityCorrect(String task) {
        Family f = family(task);
        return base(task) * (1 - drop(f));
    }

    /**
     * Whether this configuration answers an item correctly: a uniform draw from SHA-256(seed, task,
     * item), the same for every method and size, below {@link #probabilityCorrect(String)}.
     *
     * @param task the benchmark's name
     * @param item the item's identity (its id, or its reference)
     * @param seed the simulation's seed
     * @return true when correct
     */
    public boolean correct(String task, String item, long seed) {
        return draw(task, item, seed) < probabilityCorrect(task);
    }

    /**
     * The answer text: the reference itself when {@link #correct correct}, else a wrong answer the
     * task's scorer rejects — math: the reference with its final {@code #### N} changed to another
     * number; code: a body that returns nothing; QA and summarization: unrelated words.
     *
     * @param task      the benchmark's name
     * @param item      the item's identity
     * @param reference the reference answer as the benchmark scores it
     * @param seed      the simulation's seed
     * @return the text to generate
     */
    public String answer(String task, String item, String reference, long seed) {
        String ref = reference == null ? "" : reference;
        if (correct(task, item, seed)) {
            return ref.isEmpty() || Character.isWhitespace(ref.charAt(0)) || family(task) == Family.CODE ? ref
                    : " " + ref;
        }
        SplittableRandom rnd = new SplittableRandom(Double.doubleToLongBits(draw(task, item, seed ^ 0x5EEDL)));
        switch (family(task)) {
            case MATH: {
                Matcher m = FINAL_NUMBER.matcher(ref);
                int off = 1 + rnd.nextInt(9);
                if (m.find()) {
                    String n = m.group(1).replace(",", "");
                    String wrong;
                    try {
                        wrong = new java.math.BigDecimal(n).add(java.math.BigDecimal.valueOf(off)).toPlainString();
                    } catch (NumberFormatException e) {
                        wrong = n + off;
                    }
                    String body = ref.substring(0, m.start());
                    return (body.isEmpty() || Character.isWhitespace(body.charAt(0)) ? "" : " ") + body + "#### " + wrong;
                }
                return " I think it is " + off + ".\n#### " + off;
            }
            case CODE:
                return "    return None\n";
            default:
                return " " + WRONG[rnd.nextInt(WRONG.length)] + " " + WRONG[rnd.nextInt(WRONG.length)];
        }
    }

    private static final String[] WRONG = {"river", "stone", "light", "quiet", "north", "green", "lantern", "meadow",
        "copper", "harbor"};

    private static double draw(String task, String item, long seed) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] h = d.digest((seed + "\u0000" + family(task) + "\u0000" + item).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return (v >>> 11) / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
