package io.qmeter.eval.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a BIG-Bench Hard task from the Hugging Face JSON Lines export ({@code lukaemon/bbh}: one
 * file per task with {@code input} and {@code target}), plain or gzipped.
 *
 * <pre>{@code
 * List<BbhItem> items = BbhLoader.load(Path.of("bbh/boolean_expressions.jsonl"));
 * }</pre>
 */
public final class BbhLoader {

    private BbhLoader() {
    }

    /**
     * Loads every item.
     *
     * @param file the file
     * @return the items, in file order
     * @throws DatasetException when the file is missing or malformed, naming the item and field
     */
    public static List<BbhItem> load(Path file) {
        List<BbhItem> out = new ArrayList<>();
        String task = file.getFileName().toString().replaceAll("\\.jsonl(\\.gz)?$", "");
        for (JsonLines.Line l : JsonLines.read(file, "BBH")) {
            out.add(new BbhItem(task + "/" + l.item(), l.text("input"), l.text("target")));
        }
        return List.copyOf(out);
    }
}
