package io.qmeter.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads TriviaQA from the Hugging Face JSON Lines export ({@code question}, {@code question_id},
 * {@code answer: {value, aliases, ...}}), or from a simple layout with an {@code answers} array of
 * strings. Plain or gzipped.
 *
 * <pre>{@code
 * List<TriviaQaItem> items = TriviaQaLoader.load(Path.of("trivia_qa-rc.nocontext-validation.jsonl"));
 * }</pre>
 */
public final class TriviaQaLoader {

    private TriviaQaLoader() {
    }

    /**
     * Loads every item.
     *
     * @param file the file
     * @return the items, in file order
     * @throws DatasetException when the file is missing or malformed, naming the line and field
     */
    public static List<TriviaQaItem> load(Path file) {
        List<TriviaQaItem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "TriviaQA")) {
            Set<String> aliases = new LinkedHashSet<>();
            JsonNode answer = l.node().get("answer");
            JsonNode answers = l.node().get("answers");
            if (answer != null && answer.isObject()) {
                JsonNode value = answer.get("value");
                if (value != null && value.isTextual()) {
                    aliases.add(value.asText());
                }
                strings(l, answer.get("aliases"), "answer.aliases", aliases);
            } else if (answers != null) {
                strings(l, answers, "answers", aliases);
            } else {
                throw new DatasetException("TriviaQA item " + l.item() + " (line " + l.number() + " of " + file
                        + ") has no field 'answer' (an object with 'value' and 'aliases', as the Hugging Face export "
                        + "writes it) and no 'answers' array");
            }
            if (aliases.isEmpty()) {
                throw new DatasetException("TriviaQA item " + l.item() + " (line " + l.number() + " of " + file
                        + ") has no accepted answer: 'answer.value' and 'answer.aliases' (or 'answers') are empty");
            }
            JsonNode id = l.node().get("question_id");
            out.add(new TriviaQaItem(id != null && id.isTextual() ? id.asText() : file.getFileName() + "/" + l.item(),
                    l.text("question"), List.copyOf(aliases)));
        }
        return List.copyOf(out);
    }

    private static void strings(JsonLines.Line l, JsonNode array, String field, Set<String> into) {
        if (array == null || array.isNull()) {
            return;
        }
        if (!array.isArray()) {
            throw new DatasetException("TriviaQA item " + l.item() + " (line " + l.number() + " of " + l.file()
                    + "): field '" + field + "' must be an array of strings, was " + array.getNodeType().name().toLowerCase());
        }
        for (JsonNode e : array) {
            if (e.isTextual()) {
                into.add(e.asText());
            }
        }
    }
}
