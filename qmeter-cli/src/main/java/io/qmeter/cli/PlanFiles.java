package io.qmeter.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.PlanException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JSON plan file for the command line: every problem the plan has is given with the file,
 * the line and column of the field it names (Jackson's {@link JsonLocation}), and the JSON path,
 * compiler style ({@code plan.json:12:25: $.configurations[0].tensorParallel: expected 1, 2, 4 or 8,
 * was 3}). A field that is missing points at the object that should hold it.
 *
 * <pre>{@code
 * Plan plan = PlanFiles.read(Path.of("plan.json"));   // throws UserError listing every problem
 * }</pre>
 */
public final class PlanFiles {

    private static final Pattern PROBLEM_PATH = Pattern.compile("^(\\$[^:\\s]*):");
    private static final Pattern SYNTAX_AT = Pattern.compile("at line (\\d+), column (\\d+)");

    private PlanFiles() {
    }

    /**
     * Reads and validates a plan file.
     *
     * @param file the plan
     * @return the plan
     * @throws UserError naming every problem with its line:column and JSON path
     */
    public static Plan read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("plan file " + file + " not found; give the path of a JSON plan (qmeter help plan)",
                    e);
        } catch (IOException e) {
            throw new UserError("could not read plan file " + file + ": " + e.getMessage(), e);
        }
        try {
            return Plan.fromJson(text);
        } catch (PlanException e) {
            throw new UserError(describe(file.toString(), text, e), e);
        }
    }

    /**
     * The problems of a plan, one line each, with file, line and column.
     *
     * @param name the file name to show
     * @param text the plan's JSON text
     * @param e    the plan's problems
     * @return the message
     */
    static String describe(String name, String text, PlanException e) {
        Map<String, JsonLocation> positions = positions(text);
        List<String> lines = new ArrayList<>();
        for (String problem : e.problems()) {
            lines.add(name + ":" + where(problem, positions) + ": " + problem);
        }
        return "invalid plan " + name + " (" + lines.size() + (lines.size() == 1 ? " problem" : " problems")
                + "; the format: qmeter help plan):\n  " + String.join("\n  ", lines);
    }

    private static String where(String problem, Map<String, JsonLocation> positions) {
        Matcher syntax = SYNTAX_AT.matcher(problem);
        if (syntax.find()) {
            return syntax.group(1) + ":" + syntax.group(2);
        }
        Matcher m = PROBLEM_PATH.matcher(problem);
        String path = m.find() ? m.group(1) : "$";
        while (true) {
            JsonLocation loc = positions.get(path);
            if (loc != null) {
                return loc.getLineNr() + ":" + loc.getColumnNr();
            }
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            if (cut <= 0) {
                return "1:1";
            }
            path = path.substring(0, cut);
        }
    }

    /**
     * Where each JSON path ({@code $.a.b[2]}) starts in the text: the field name for an object
     * member, the value for an array element. Empty when the text is not JSON.
     *
     * @param text JSON text
     * @return path to location
     */
    static Map<String, JsonLocation> positions(String text) {
        Map<String, JsonLocation> out = new HashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = new JsonFactory().createParser(text)) {
            String name = null;
            JsonLocation nameAt = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    name = p.currentName();
                    nameAt = p.currentTokenLocation();
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    continue;
                }
                String path;
                JsonLocation at;
                Frame top = stack.peek();
                if (top == null) {
                    path = "$";
                    at = p.currentTokenLocation();
                } else if (top.array) {
                    path = top.path + "[" + top.next++ + "]";
                    at = p.currentTokenLocation();
                } else {
                    path = top.path + "." + name;
                    at = nameAt;
                }
                out.putIfAbsent(path, at);
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    stack.push(new Frame(path, t == JsonToken.START_ARRAY));
                }
            }
        } catch (JsonProcessingException e) {
            // the plan reader reports the syntax error with its own line and column
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static final class Frame {
        final String path;
        final boolean array;
        int next;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }
}
