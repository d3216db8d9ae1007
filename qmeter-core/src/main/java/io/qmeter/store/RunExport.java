package io.qmeter.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes runs as CSV or JSON Lines, one row per run, that {@code pandas.read_csv} and
 * {@code pandas.read_json(lines=True)} read directly.
 *
 * <p>Columns, in this order: the fixed columns {@code plan_id, configuration_id, rate_label,
 * repetition, status, cause, recorded_at} (ISO-8601 UTC), then every label name that occurs in
 * any run (sorted), then every metric name (sorted). The order depends only on the names present,
 * so two exports of the same runs are identical.
 *
 * <p>Missing values: a label or metric a run does not have, a NaN metric and an OK run's cause are
 * an <b>empty cell</b> in CSV (pandas reads NaN) and {@code null} in JSON Lines. Infinite metrics
 * are {@code inf} / {@code -inf} in CSV (pandas reads float infinity) and {@code null} in JSON Lines
 * (JSON has no infinity). CSV follows RFC 4180: a field is quoted when it holds a comma, a quote, a
 * line break or leading/trailing spaces, and quotes are doubled; lines end with {@code \n}; UTF-8.
 *
 * <pre>{@code
 * RunExport.csv(store.findByPlan("quant-sweep"), Path.of("runs.csv"));
 * RunExport.jsonLines(store.findByPlan("quant-sweep"), Path.of("runs.jsonl"));
 * // pandas: df = pd.read_csv("runs.csv"); df = pd.read_json("runs.jsonl", lines=True)
 * }</pre>
 */
public final class RunExport {

    private RunExport() {
    }

    /**
     * The column names an export of these runs has, in order.
     *
     * @param runs the runs
     * @return the columns
     */
    public static List<String> columns(Collection<StoredRun> runs) {
        TreeSet<String> labels = new TreeSet<>();
        TreeSet<String> metrics = new TreeSet<>();
        for (StoredRun r : runs) {
            labels.addAll(r.labels().keySet());
            metrics.addAll(r.metrics().keySet());
        }
        labels.removeAll(metrics); // a name that is a label in one run and a metric in another: a metric
        List<String> cols = new ArrayList<>(StoredRun.FIXED_COLUMNS);
        cols.addAll(labels);
        cols.addAll(metrics);
        return cols;
    }

    /**
     * Writes CSV with a header.
     *
     * @param runs the runs, in the order to write
     * @param out  where to write; not closed
     * @throws UncheckedIOException when writing fails
     */
    public static void csv(Collection<StoredRun> runs, Writer out) {
        List<String> cols = columns(runs);
        try {
            writeCsvLine(out, cols);
            for (StoredRun r : runs) {
                List<String> cells = new ArrayList<>(cols.size());
                for (String c : cols) {
                    cells.add(csvCell(r, c));
                }
                writeCsvLine(out, cells);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write CSV: " + e.getMessage(), e);
        }
    }

    /**
     * Writes CSV to a file (UTF-8), replacing it.
     *
     * @param runs the runs
     * @param file the file
     * @throws UncheckedIOException when writing fails
     */
    public static void csv(Collection<StoredRun> runs, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            csv(runs, w);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes JSON Lines: one object per run with the same keys in the same order as the CSV columns.
     *
     * @param runs           the runs
     * @param out            where to write; not closed
     * @param includePayload whether to add each run's full payload under the key {@code "payload"}
     * @throws UncheckedIOException when writing fails
     */
    public static void jsonLines(Collection<StoredRun> runs, Writer out, boolean includePayload) {
        List<String> cols = columns(runs);
        JsonFactory f = StoredRun.JSON.getFactory();
        try {
            for (StoredRun r : runs) {
                try (JsonGenerator g = f.createGenerator(new NonClosingWriter(out))) {
                    g.setCodec(StoredRun.JSON);
                    g.writeStartObject();
                    for (String c : cols) {
                        g.writeFieldName(c);
                        writeJsonValue(g, r, c);
                    }
                    if (includePayload) {
                        g.writeFieldName("payload");
                        g.writeTree(r.payload());
                    }
                    g.writeEndObject();
                }
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write JSON Lines: " + e.getMessage(), e);
        }
    }

    /**
     * Writes JSON Lines without payloads to a file (UTF-8), replacing it.
     *
     * @param runs the runs
     * @param file the file
     * @throws UncheckedIOException when writing fails
     */
    public static void jsonLines(Collection<StoredRun> runs, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            jsonLines(runs, w, false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String csvCell(StoredRun r, String column) {
        switch (column) {
            case "plan_id":
                return r.key().planId();
            case "configuration_id":
                return r.key().configurationId();
            case "rate_label":
                return r.key().rateLabel();
            case "repetition":
                return Integer.toString(r.key().repetition());
            case "status":
                return r.status().name();
            case "cause":
                return r.cause() == null ? "" : r.cause();
            case "recorded_at":
                return r.recordedAt().toString();
            default:
                Double m = r.metrics().get(column);
                if (m != null) {
                    return m.isNaN() ? "" : m == Double.POSITIVE_INFINITY ? "inf"
                            : m == Double.NEGATIVE_INFINITY ? "-inf" : Double.toString(m);
                }
                String l = r.labels().get(column);
                return l == null ? "" : l;
        }
    }

    private static void writeJsonValue(JsonGenerator g, StoredRun r, String column) throws IOException {
        switch (column) {
            case "repetition":
                g.writeNumber(r.key().repetition());
                return;
            case "cause":
                if (r.cause() == null) {
                    g.writeNull();
                } else {
                    g.writeString(r.cause());
                }
                return;
            default:
                break;
        }
        if (StoredRun.FIXED_COLUMNS.contains(column)) {
            g.writeString(csvCell(r, column));
            return;
        }
        Double m = r.metrics().get(column);
        if (m != null) {
            if (m.isNaN() || m.isInfinite()) {
                g.writeNull();
            } else {
                g.writeNumber(m);
            }
            return;
        }
        String l = r.labels().get(column);
        if (l == null) {
            g.writeNull();
        } else {
            g.writeString(l);
        }
    }

    private static void writeCsvLine(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(quote(cells.get(i)));
        }
        out.write('\n');
    }

    static String quote(String s) {
        boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || (!s.isEmpty() && (Character.isWhitespace(s.charAt(0))
                || Character.isWhitespace(s.charAt(s.length() - 1))));
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** Lets a per-line generator close without closing the caller's writer. */
    private static final class NonClosingWriter extends Writer {
        private final Writer delegate;

        NonClosingWriter(Writer delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            delegate.write(cbuf, off, len);
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() {
            // the caller owns the writer
        }
    }

}
