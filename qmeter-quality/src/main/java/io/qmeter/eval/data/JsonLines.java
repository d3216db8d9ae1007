package io.qmeter.eval.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a JSON Lines file, plain or gzipped (recognised by its magic bytes, not its name), into one
 * JSON object per non-blank line, and checks fields with messages that name the line and item.
 *
 * <pre>{@code
 * for (JsonLines.Line l : JsonLines.read(path, "HumanEval")) {
 *     String id = l.text("task_id");
 * }
 * }</pre>
 */
public final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    /**
     * One object of the file with where it came from.
     *
     * @param file   the file
     * @param number its 1-based line number
     * @param item   its 0-based item index (blank lines are not items)
     * @param node   the object
     * @param what   the dataset's name, for messages
     */
    public record Line(Path file, int number, int item, JsonNode node, String what) {

        /**
         * A required text field.
         *
         * @param field the field
         * @return its text
         * @throws DatasetException when it is absent or not a string
         */
        public String text(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new DatasetException(what + " item " + item + " (line " + number + " of " + file
                        + ") has no field '" + field + "'; a " + what + " item needs it — is this the right file?");
            }
            if (!v.isTextual()) {
                throw new DatasetException(what + " item " + item + " (line " + number + " of " + file
                        + "): field '" + field + "' must be a string, was " + v.getNodeType().name().toLowerCase()
                        + " " + abbreviate(v.toString()));
            }
            return v.asText();
        }

        /**
         * A required array of strings, at {@code field} or at a dotted path such as {@code choices.text}.
         *
         * @param field the field or dotted path
         * @return the strings
         * @throws DatasetException when it is absent, not an array, or holds something other than strings
         */
        public List<String> texts(String field) {
            JsonNode v = node;
            for (String part : field.split("\\.")) {
                v = v == null ? null : v.get(part);
            }
            if (v == null || v.isNull()) {
                throw new DatasetException(what + " item " + item + " (line " + number + " of " + file
                        + ") has no field '" + field + "'; a " + what + " item needs it — is this the right file?");
            }
            if (!v.isArray()) {
                throw new DatasetException(what + " item " + item + " (line " + number + " of " + file
                        + "): field '" + field + "' must be an array of strings, was "
                        + v.getNodeType().name().toLowerCase() + " " + abbreviate(v.toString()));
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new DatasetException(what + " item " + item + " (line " + number + " of " + file
                            + "): field '" + field + "' must hold strings only, found "
                            + e.getNodeType().name().toLowerCase() + " " + abbreviate(e.toString()));
                }
                out.add(e.asText());
            }
            return List.copyOf(out);
        }

        /**
         * A required integer field, written as a JSON number or as a string of digits (the Hugging
         * Face exports write labels both ways).
         *
         * @param field the field
         * @return its value
         * @throws DatasetException when it is absent or not an integer
         */
        public int integer(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new DatasetException(what + " item " + item + " (line " + number + " of " + file
                        + ") has no field '" + field + "'; a " + what + " item needs it — is this the right file?");
            }
            if (v.isIntegralNumber()) {
                return v.asInt();
            }
            if (v.isTextual() && v.asText().trim().matches("-?[0-9]+")) {
                return Integer.parseInt(v.asText().trim());
            }
            throw new DatasetException(what + " item " + item + " (line " + number + " of " + file + "): field '"
                    + field + "' must be an integer, was " + v.getNodeType().name().toLowerCase() + " "
                    + abbreviate(v.toString()));
        }

        /**
         * A failure about this item.
         *
         * @param message what is wrong with it
         * @return the exception, naming the item, line and file
         */
        public DatasetException error(String message) {
            return new DatasetException(what + " item " + item + " (line " + number + " of " + file + "): " + message);
        }
    }

    /**
     * Reads the file.
     *
     * @param file the file
     * @param what the dataset's name, for messages
     * @return the objects, in order
     * @throws DatasetException when the file is missing, unreadable, or a line is not a JSON object
     */
    public static List<Line> read(Path file, String what) {
        if (!Files.exists(file)) {
            throw new DatasetException(what + " file not found: " + file.toAbsolutePath()
                    + "; give the path of the dataset file (JSON Lines, one item per line)");
        }
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(what + " path is not a file: " + file.toAbsolutePath());
        }
        List<Line> out = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String s;
            int number = 0;
            while ((s = r.readLine()) != null) {
                number++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (JsonProcessingException e) {
                    throw new DatasetException(what + ": line " + number + " of " + file + " is not JSON ("
                            + e.getOriginalMessage() + "): " + abbreviate(s)
                            + "; expected JSON Lines, one object per line", e);
                }
                if (!node.isObject()) {
                    throw new DatasetException(what + ": line " + number + " of " + file
                            + " is not a JSON object: " + abbreviate(s) + "; expected JSON Lines, one object per line");
                }
                out.add(new Line(file, number, out.size(), node, what));
            }
        } catch (NoSuchFileException e) {
            throw new DatasetException(what + " file not found: " + file.toAbsolutePath(), e);
        } catch (ZipException e) {
            throw new DatasetException(what + ": " + file + " starts like gzip but is not a valid gzip file ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetException(what + ": could not read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new DatasetException(what + ": " + file + " holds no items; expected JSON Lines, one object per line");
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
