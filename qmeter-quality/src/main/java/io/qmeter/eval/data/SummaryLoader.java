package io.qmeter.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads NewsQA- and CNN/DailyMail-style JSON Lines (plain or gzipped): the document from
 * {@code story}, {@code article}, {@code document} or {@code text}; the reference from
 * {@code answer}, {@code summary} or {@code highlights} (a string, or an array of strings joined
 * by newlines, so ROUGE-Lsum sees them as sentences); an optional {@code question}; an optional
 * {@code id}. The first field present in each list is used.
 *
 * <pre>{@code
 * List<SummaryItem> items = SummaryLoader.load(Path.of("cnn_dailymail-test.jsonl"));
 * }</pre>
 */
public final class SummaryLoader {

    /** Field names accepted for the document, in order of preference. */
    public static final List<String> DOCUMENT_FIELDS = List.of("story", "article", "document", "text");

    /** Field names accepted for the reference, in order of preference. */
    public static final List<String> REFERENCE_FIELDS = List.of("answer", "summary", "highlights");

    private SummaryLoader() {
    }

    /**
     * Loads every item.
     *
     * @param file the file
     * @return the items, in file order
     * @throws DatasetException when the file is missing or malformed, naming the line and field
     */
    public static List<SummaryItem> load(Path file) {
        List<SummaryItem> out = new ArrayList<>();
        for (JsonLines.Line l : JsonLines.read(file, "summarisation")) {
            String doc = first(l, DOCUMENT_FIELDS);
            String ref = first(l, REFERENCE_FIELDS);
            JsonNode q = l.node().get("question");
            JsonNode id = l.node().get("id");
            out.add(new SummaryItem(id != null && !id.isNull() ? id.asText() : file.getFileName() + "/" + l.item(), doc,
                    q != null && !q.isNull() ? l.text("question") : null, ref));
        }
        return List.copyOf(out);
    }

    private static String first(JsonLines.Line l, List<String> fields) {
        for (String f : fields) {
            JsonNode v = l.node().get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode e : v) {
                    if (!e.isTextual()) {
                        throw new DatasetException("summarisation item " + l.item() + " (line " + l.number() + " of "
                                + l.file() + "): field '" + f + "' must be a string or an array of strings, "
                                + "found an array holding " + e.getNodeType().name().toLowerCase());
                    }
                    parts.add(e.asText());
                }
                return String.join("\n", parts);
            }
            return l.text(f);
        }
        throw new DatasetException("summarisation item " + l.item() + " (line " + l.number() + " of " + l.file()
                + ") has none of the fields " + fields + "; found " + fieldNames(l.node()));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
