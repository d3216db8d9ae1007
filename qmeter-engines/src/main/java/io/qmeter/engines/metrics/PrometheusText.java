package io.qmeter.engines.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A parser for the Prometheus text exposition format (version 0.0.4), the body of an engine's
 * {@code GET /metrics}: {@code # HELP} and {@code # TYPE} lines, other comments, samples with
 * optional labels (escaped values: {@code \\}, {@code \"}, {@code \n}), values including
 * {@code NaN}, {@code +Inf} and {@code -Inf}, and optional millisecond timestamps. Histograms and
 * summaries arrive as their {@code _bucket}, {@code _sum} and {@code _count} samples.
 *
 * <p>Lenient: a line that cannot be read is skipped and listed in {@link Exposition#skipped()},
 * so one odd line does not lose the rest of a scrape.
 *
 * <pre>{@code
 * PrometheusText.Exposition e = PrometheusText.parse("vllm:num_requests_running{model_name=\"m\"} 3\n");
 * double running = e.sum("vllm:num_requests_running"); // 3.0
 * }</pre>
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * One sample line.
     *
     * @param name        the metric name of the line (with {@code _sum}, {@code _bucket}... as written)
     * @param labels      its labels, in the order written
     * @param value       its value
     * @param timestampMs its timestamp in milliseconds, when written
     */
    public record Sample(String name, Map<String, String> labels, double value, OptionalLong timestampMs) {

        /** Validates and copies. */
        public Sample {
            Objects.requireNonNull(name, "name");
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(labels, "labels")));
            Objects.requireNonNull(timestampMs, "timestampMs");
        }
    }

    /**
     * A parsed body.
     *
     * @param samples the samples, in order
     * @param types   metric family name to its {@code # TYPE} ({@code counter}, {@code gauge},
     *                {@code histogram}, {@code summary}, {@code untyped})
     * @param help    metric family name to its {@code # HELP} text (unescaped)
     * @param skipped lines that could not be read, each as {@code "line N: reason: text"}
     */
    public record Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> help,
                             List<String> skipped) {

        /** Copies. */
        public Exposition {
            samples = List.copyOf(samples);
            types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
            help = Collections.unmodifiableMap(new LinkedHashMap<>(help));
            skipped = List.copyOf(skipped);
        }

        /**
         * The sum of every sample of this name over all its label sets.
         *
         * @param name a sample name as written, e.g. {@code vllm:time_to_first_token_seconds_sum}
         * @return the sum, or empty when no sample has this name
         */
        public OptionalDouble sum(String name) {
            boolean any = false;
            double total = 0;
            for (Sample s : samples) {
                if (s.name().equals(name)) {
                    any = true;
                    total += s.value();
                }
            }
            return any ? OptionalDouble.of(total) : OptionalDouble.empty();
        }
    }

    /**
     * Parses a body.
     *
     * @param text the exposition text
     * @return the samples and metadata; never throws on bad lines (see {@link Exposition#skipped()})
     */
    public static Exposition parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    comment(line, types, help);
                } else {
                    samples.add(sample(line));
                }
            } catch (IllegalArgumentException e) {
                skipped.add("line " + (i + 1) + ": " + e.getMessage() + ": " + line);
            }
        }
        return new Exposition(samples, types, help, skipped);
    }

    private static void comment(String line, Map<String, String> types, Map<String, String> help) {
        String body = line.substring(1).stripLeading();
        boolean isHelp = body.startsWith("HELP ") || body.startsWith("HELP\t");
        boolean isType = body.startsWith("TYPE ") || body.startsWith("TYPE\t");
        if (!isHelp && !isType) {
            return; // a plain comment
        }
        String rest = body.substring(4).strip();
        int sp = indexOfWhitespace(rest);
        String name = sp < 0 ? rest : rest.substring(0, sp);
        String value = sp < 0 ? "" : rest.substring(sp).strip();
        if (!validName(name)) {
            throw new IllegalArgumentException("metric name expected after # " + (isHelp ? "HELP" : "TYPE"));
        }
        if (isHelp) {
            help.put(name, unescapeHelp(value));
        } else {
            types.put(name, value);
        }
    }

    private static Sample sample(String line) {
        int n = 0;
        while (n < line.length() && nameChar(line.charAt(n), n == 0)) {
            n++;
        }
        String name = line.substring(0, n);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a sample must start with a metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int i = n;
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        String rest = line.substring(i).strip();
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("value missing");
        }
        int sp = indexOfWhitespace(rest);
        String value = sp < 0 ? rest : rest.substring(0, sp);
        String ts = sp < 0 ? "" : rest.substring(sp).strip();
        OptionalLong timestamp = OptionalLong.empty();
        if (!ts.isEmpty()) {
            try {
                timestamp = OptionalLong.of(Long.parseLong(ts));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("timestamp must be an integer of milliseconds, was '" + ts + "'");
            }
        }
        return new Sample(name, labels, value(value), timestamp);
    }

    /** Reads labels after '{'; returns the index after '}'. */
    private static int labels(String line, int i, Map<String, String> out) {
        while (true) {
            i = skipSpaces(line, i);
            if (i >= line.length()) {
                throw new IllegalArgumentException("'}' missing");
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int start = i;
            while (i < line.length() && labelChar(line.charAt(i), i == start)) {
                i++;
            }
            String key = line.substring(start, i);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("label name expected at column " + (i + 1));
            }
            i = skipSpaces(line, i);
            if (i >= line.length() || line.charAt(i) != '=') {
                throw new IllegalArgumentException("'=' expected after label " + key);
            }
            i = skipSpaces(line, i + 1);
            if (i >= line.length() || line.charAt(i) != '"') {
                throw new IllegalArgumentException("'\"' expected for the value of label " + key);
            }
            StringBuilder v = new StringBuilder();
            i++;
            boolean closed = false;
            while (i < line.length()) {
                char c = line.charAt(i++);
                if (c == '\\' && i < line.length()) {
                    char e = line.charAt(i++);
                    v.append(e == 'n' ? '\n' : e);
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    v.append(c);
                }
            }
            if (!closed) {
                throw new IllegalArgumentException("unterminated value of label " + key);
            }
            out.put(key, v.toString());
            i = skipSpaces(line, i);
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i < line.length() && line.charAt(i) != '}') {
                throw new IllegalArgumentException("',' or '}' expected after label " + key);
            }
        }
    }

    private static double value(String s) {
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("value must be a number, NaN, +Inf or -Inf, was '" + s + "'");
                }
        }
    }

    private static String unescapeHelp(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                b.append(e == 'n' ? '\n' : e);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static boolean validName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!nameChar(s.charAt(i), i == 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nameChar(char c, boolean first) {
        return c == ':' || labelChar(c, first);
    }

    private static boolean labelChar(char c, boolean first) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }
}
