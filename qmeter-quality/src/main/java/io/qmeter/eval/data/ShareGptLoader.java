package io.qmeter.eval.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads a ShareGPT file: one JSON array of {@code {"id", "conversations": [{"from", "value"}, ...]}}
 * ({@code from} is {@code human}, {@code gpt}, or another speaker), checking every conversation
 * and turn with messages that name the item and field.
 *
 * <pre>{@code
 * List<ShareGptLoader.Conversation> cs = ShareGptLoader.load(Path.of("ShareGPT_V3_unfiltered_cleaned_split.json"));
 * }</pre>
 */
public final class ShareGptLoader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShareGptLoader() {
    }

    /**
     * One turn.
     *
     * @param from  the speaker ({@code human}, {@code gpt}, ...)
     * @param value what was said
     */
    public record Turn(String from, String value) {

        /** Checks. */
        public Turn {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One conversation.
     *
     * @param id    its id ({@code id}, or the file name and index)
     * @param turns its turns, in order
     */
    public record Conversation(String id, List<Turn> turns) {

        /** Copies. */
        public Conversation {
            Objects.requireNonNull(id, "id");
            turns = List.copyOf(turns);
        }

        /**
         * The first human turn and the reply after it, as vLLM's benchmark samples ShareGPT.
         *
         * @return {@code [prompt, reply]}, or an empty list when there is no human turn with a reply
         */
        public List<String> firstExchange() {
            for (int i = 0; i + 1 < turns.size(); i++) {
                if ("human".equals(turns.get(i).from())) {
                    return List.of(turns.get(i).value(), turns.get(i + 1).value());
                }
            }
            return List.of();
        }
    }

    /**
     * Loads every conversation.
     *
     * @param file the JSON file
     * @return the conversations, in file order
     * @throws DatasetException when the file is missing, not a JSON array, or an item lacks a field
     */
    public static List<Conversation> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("ShareGPT file not found: " + file.toAbsolutePath()
                    + "; give the path of the ShareGPT JSON file (a JSON array of {\"id\", \"conversations\"})");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new DatasetException("ShareGPT: " + file + " is not JSON (" + e.getOriginalMessage()
                    + "); expected one JSON array of {\"id\", \"conversations\"} objects (JSON Lines is not ShareGPT's format)", e);
        } catch (IOException e) {
            throw new DatasetException("ShareGPT: could not read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new DatasetException("ShareGPT: " + file + " must hold one JSON array of {\"id\", \"conversations\"} "
                    + "objects, found " + (root == null ? "nothing" : root.isObject()
                    ? "an object (one object per line is JSON Lines, not ShareGPT's format)"
                    : root.getNodeType().name().toLowerCase()));
        }
        List<Conversation> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode c = root.get(i);
            String where = "ShareGPT item " + i + " of " + file;
            if (!c.isObject()) {
                throw new DatasetException(where + " is not an object: " + JsonLines.abbreviate(c.toString()));
            }
            JsonNode turns = c.get("conversations");
            if (turns == null || !turns.isArray()) {
                throw new DatasetException(where + (turns == null ? " has no field 'conversations'"
                        : ": field 'conversations' must be an array, was " + turns.getNodeType().name().toLowerCase()));
            }
            List<Turn> ts = new ArrayList<>();
            for (int t = 0; t < turns.size(); t++) {
                JsonNode turn = turns.get(t);
                for (String f : List.of("from", "value")) {
                    JsonNode v = turn.get(f);
                    if (v == null || !v.isTextual()) {
                        throw new DatasetException(where + ": turn " + t + " of 'conversations' "
                                + (v == null ? "has no field '" + f + "'" : "has a non-string '" + f + "'"));
                    }
                }
                ts.add(new Turn(turn.get("from").asText(), turn.get("value").asText()));
            }
            JsonNode id = c.get("id");
            out.add(new Conversation(id != null && id.isValueNode() ? id.asText() : file.getFileName() + "/" + i, ts));
        }
        if (out.isEmpty()) {
            throw new DatasetException("ShareGPT: " + file + " holds an empty array");
        }
        return List.copyOf(out);
    }
}
