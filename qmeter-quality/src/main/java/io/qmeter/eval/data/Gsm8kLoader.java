package io.qmeter.eval.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads GSM8K problems from a JSON Lines file (plain or gzipped) with the fields {@code question}
 * and {@code answer}; every answer must contain its {@code #### <number>} line.
 *
 * <pre>{@code
 * List<Gsm8kProblem> test = Gsm8kLoader.load(Path.of("gsm8k-test.jsonl"));   // 1,319
 * }</pre>
 */
public final class Gsm8kLoader {

    private Gsm8kLoader() {
    }

    /**
     * Loads every problem.
     *
     * @param file the file
     * @return the problems, in file order
     * @throws DatasetException when the file is missing or malformed, naming the line and field
     */
    public static List<Gsm8kProblem> load(Path file) {
        List<Gsm8kProblem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "GSM8K")) {
            String answer = l.text("answer");
            if (!answer.contains("#### ")) {
                throw new DatasetException("GSM8K item " + l.item() + " (line " + l.number() + " of " + file
                        + "): field 'answer' has no '#### <number>' final answer: "
                        + JsonLines.abbreviate(answer));
            }
            out.add(new Gsm8kProblem(l.item(), l.text("question"), answer));
        }
        return List.copyOf(out);
    }
}
