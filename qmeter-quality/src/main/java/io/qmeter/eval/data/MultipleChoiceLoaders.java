package io.qmeter.eval.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Loads the Hugging Face JSON Lines exports of HellaSwag, ARC, Winogrande, MMLU and GPQA (plain or
 * gzipped) into {@link MultipleChoiceItem}s, preprocessed and formatted as lm-evaluation-harness's
 * tasks {@code hellaswag}, {@code arc_easy}/{@code arc_challenge}, {@code winogrande}, {@code mmlu}
 * (default template) and {@code gpqa_*_zeroshot} do. The exact prompt per task:
 *
 * <ul>
 *   <li><b>HellaSwag</b> ({@code activity_label, ctx_a, ctx_b, endings, label}): context
 *       {@code pre(activity_label + ": " + ctx_a + " " + capitalize(ctx_b))}, choices
 *       {@code pre(ending)}, continuation {@code " " + choice}; {@code pre} strips, turns
 *       {@code " [title]"} into {@code ". "}, removes {@code [...]} and folds a double space, and
 *       {@code capitalize} is Python's (first character upper, the rest lower).</li>
 *   <li><b>ARC</b> ({@code id, question, choices: {text, label}, answerKey}): context
 *       {@code "Question: " + question + "\nAnswer:"}, choices {@code choices.text}, gold the
 *       index of {@code answerKey} in {@code choices.label}.</li>
 *   <li><b>Winogrande</b> ({@code sentence, option1, option2, answer}): lm-eval's partial
 *       evaluation: choice {@code i} is the sentence up to the {@code _} with option {@code i} in
 *       its place, which is also choice {@code i}'s context; the shared continuation is
 *       {@code " " + } the rest of the sentence after the {@code _}, stripped. {@code acc_norm}
 *       therefore divides by the partial contexts' lengths, as lm-eval's does.</li>
 *   <li><b>MMLU</b> ({@code question, subject, choices, answer}): description
 *       {@code "The following are multiple choice questions (with answers) about <subject with _ as
 *       space>.\n\n"}, context {@code question.strip() + "\nA. c0\nB. c1\nC. c2\nD. c3\nAnswer:"},
 *       choices {@code A B C D}.</li>
 *   <li><b>GPQA</b> ({@code Question, Correct Answer, Incorrect Answer 1..3}): the four answers,
 *       each {@code pre}-processed, are shuffled (lm-eval shuffles with Python's {@code random};
 *       here a {@link Random} seeded with {@code seed} and the item's index, so the letter order
 *       differs from lm-eval's), context {@code "What is the correct answer to this question:" +
 *       Question + "\nChoices:\n(A) a\n(B) b\n(C) c\n(D) d\nAnswer:"}, choices
 *       {@code (A) (B) (C) (D)}.</li>
 * </ul>
 *
 * <pre>{@code
 * List<MultipleChoiceItem> items = MultipleChoiceLoaders.hellaswag(Path.of("hellaswag-validation.jsonl"));
 * }</pre>
 */
public final class MultipleChoiceLoaders {

    private static final List<String> LETTERS = List.of("A", "B", "C", "D");

    private MultipleChoiceLoaders() {
    }

    /**
     * lm-eval's HellaSwag / GPQA {@code preprocess}.
     *
     * @param text the text
     * @return the preprocessed text
     */
    public static String preprocess(String text) {
        String t = text.strip();
        t = t.replace(" [title]", ". ");
        t = t.replaceAll("\\[.*?\\]", "");
        return t.replace("  ", " ");
    }

    /**
     * Python's {@code str.capitalize()}: the first character upper case, the rest lower case.
     *
     * @param s the text
     * @return the capitalized text
     */
    public static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return new String(Character.toChars(Character.toTitleCase(first))) + s.substring(n).toLowerCase(Locale.ROOT);
    }

    /**
     * Loads HellaSwag ({@code Rowan/hellaswag} export).
     *
     * @param file the file
     * @return the items
     * @throws DatasetException when the file is missing or malformed, naming the item and field
     */
    public static List<MultipleChoiceItem> hellaswag(Path file) {
        List<MultipleChoiceItem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "HellaSwag")) {
            String ctx = l.text("ctx_a") + " " + capitalize(l.text("ctx_b"));
            String query = preprocess(l.text("activity_label") + ": " + ctx);
            List<String> choices = l.texts("endings").stream().map(MultipleChoiceLoaders::preprocess).toList();
            int gold = goldIndex(l, l.integer("label"), choices.size(), "label");
            out.add(MultipleChoiceItem.ofChoices(id(l, "ind", file), "", query, choices, gold, query));
        }
        return List.copyOf(out);
    }

    /**
     * Loads ARC-Easy or ARC-Challenge ({@code allenai/ai2_arc} export).
     *
     * @param file the file
     * @return the items
     * @throws DatasetException when the file is missing or malformed, naming the item and field
     */
    public static List<MultipleChoiceItem> arc(Path file) {
        List<MultipleChoiceItem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "ARC")) {
            String q = l.text("question");
            List<String> texts = l.texts("choices.text");
            List<String> labels = l.texts("choices.label");
            if (texts.size() != labels.size()) {
                throw l.error("'choices.text' has " + texts.size() + " entries but 'choices.label' has " + labels.size());
            }
            String key = l.text("answerKey");
            int gold = labels.indexOf(key);
            if (gold < 0) {
                throw l.error("'answerKey' " + key + " is not one of 'choices.label' " + labels);
            }
            out.add(MultipleChoiceItem.ofChoices(id(l, "id", file), "", "Question: " + q + "\nAnswer:", texts,
                    gold, q));
        }
        return List.copyOf(out);
    }

    /**
     * Loads Winogrande ({@code allenai/winogrande} export).
     *
     * @param file the file
     * @return the items
     * @throws DatasetException when the file is missing or malformed, naming the item and field
     */
    public static List<MultipleChoiceItem> winogrande(Path file) {
        List<MultipleChoiceItem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "Winogrande")) {
            String sentence = l.text("sentence");
            int idx = sentence.indexOf('_');
            if (idx < 0) {
                throw l.error("field 'sentence' has no '_' blank to fill: " + JsonLines.abbreviate(sentence));
            }
            List<String> options = List.of(l.text("option1"), l.text("option2"));
            String answer = l.text("answer").trim();
            if (!answer.equals("1") && !answer.equals("2")) {
                throw l.error("field 'answer' must be \"1\" or \"2\", was \"" + answer + "\"");
            }
            List<String> partials = options.stream().map(o -> sentence.substring(0, idx) + o).toList();
            String target = " " + sentence.substring(idx + 1).strip();
            out.add(new MultipleChoiceItem(id(l, "qID", file), "", partials, List.of(target), partials,
                    Integer.parseInt(answer) - 1, sentence, options));
        }
        return List.copyOf(out);
    }

    /**
     * Loads MMLU ({@code cais/mmlu} export, any subject or {@code all}).
     *
     * @param file the file
     * @return the items
     * @throws DatasetException when the file is missing or malformed, naming the item and field
     */
    public static List<MultipleChoiceItem> mmlu(Path file) {
        List<MultipleChoiceItem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "MMLU")) {
            String q = l.text("question").strip();
            List<String> c = l.texts("choices");
            if (c.size() != 4) {
                throw l.error("field 'choices' must hold 4 answers, held " + c.size());
            }
            int gold = goldIndex(l, l.integer("answer"), 4, "answer");
            String subject = l.text("subject").replace('_', ' ');
            String description = "The following are multiple choice questions (with answers) about " + subject + ".\n\n";
            StringBuilder ctx = new StringBuilder(q);
            for (int i = 0; i < 4; i++) {
                ctx.append('\n').append(LETTERS.get(i)).append(". ").append(c.get(i));
            }
            ctx.append("\nAnswer:");
            out.add(new MultipleChoiceItem(file.getFileName() + "/" + l.item(), description, List.of(ctx.toString()),
                    LETTERS.stream().map(x -> " " + x).toList(), LETTERS, gold, q, c));
        }
        return List.copyOf(out);
    }

    /**
     * Loads GPQA ({@code Idavidrein/gpqa} export: main, extended or diamond), shuffling each item's
     * answers with {@code seed}.
     *
     * @param file the file
     * @param seed the shuffle's seed
     * @return the items
     * @throws DatasetException when the file is missing or malformed, naming the item and field
     */
    public static List<MultipleChoiceItem> gpqa(Path file, long seed) {
        List<MultipleChoiceItem> out = new ArrayList<>();
        List<String> paren = List.of("(A)", "(B)", "(C)", "(D)");
        for (JsonLines.Line l : JsonLines.read(file, "GPQA")) {
            String q = l.text("Question");
            String correct = preprocess(l.text("Correct Answer"));
            List<String> answers = new ArrayList<>(List.of(preprocess(l.text("Incorrect Answer 1")),
                    preprocess(l.text("Incorrect Answer 2")), preprocess(l.text("Incorrect Answer 3")), correct));
            Collections.shuffle(answers, new Random(seed * 1_000_003L + l.item()));
            int gold = answers.indexOf(correct);
            StringBuilder ctx = new StringBuilder("What is the correct answer to this question:").append(q)
                    .append("\nChoices:");
            for (int i = 0; i < 4; i++) {
                ctx.append('\n').append(paren.get(i)).append(' ').append(answers.get(i));
            }
            ctx.append("\nAnswer:");
            out.add(new MultipleChoiceItem(id(l, "Record ID", file), "", List.of(ctx.toString()),
                    paren.stream().map(x -> " " + x).toList(), paren, gold, q, answers));
        }
        return List.copyOf(out);
    }

    private static int goldIndex(JsonLines.Line l, int gold, int n, String field) {
        if (gold < 0 || gold >= n) {
            throw l.error("field '" + field + "' is " + gold + ", not an index of its " + n + " choices");
        }
        return gold;
    }

    private static String id(JsonLines.Line l, String field, Path file) {
        var v = l.node().get(field);
        return v != null && !v.isNull() && !v.isContainerNode() ? v.asText() : file.getFileName() + "/" + l.item();
    }
}
