package io.qmeter.eval.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads HumanEval problems from a JSON Lines file, plain or gzipped, with the fields
 * {@code task_id}, {@code prompt}, {@code canonical_solution}, {@code test}, {@code entry_point}.
 *
 * <pre>{@code
 * List<HumanEvalProblem> all = HumanEvalLoader.load(Path.of("HumanEval.jsonl.gz"));   // 164
 * }</pre>
 */
public final class HumanEvalLoader {

    private HumanEvalLoader() {
    }

    /**
     * Loads every problem.
     *
     * @param file the file
     * @return the problems, in file order
     * @throws DatasetException when the file is missing or malformed, naming the line and field
     */
    public static List<HumanEvalProblem> load(Path file) {
        List<HumanEvalProblem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "HumanEval")) {
            out.add(new HumanEvalProblem(l.text("task_id"), l.text("prompt"), l.text("canonical_solution"),
                    l.text("test"), l.text("entry_point")));
        }
        return List.copyOf(out);
    }
}
