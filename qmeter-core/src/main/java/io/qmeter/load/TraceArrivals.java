package io.qmeter.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PrimitiveIterator;

/**
 * Replays arrival times from a trace: one timestamp in seconds per line (blank lines and lines
 * starting with {@code #} are skipped). Timestamps must not decrease; they are shifted so that the
 * first becomes offset 0, so absolute epoch seconds work as well as relative ones.
 *
 * <pre>{@code
 * ArrivalProcess a = TraceArrivals.fromFile(Path.of("arrivals.txt"));   // or QMeter.trace(path)
 * }</pre>
 *
 * @param source      where the trace came from (a file name), for results
 * @param offsetNanos the offsets from the first arrival, non-decreasing, first 0
 */
public record TraceArrivals(String source, long[] offsetNanos) implements ArrivalProcess {

    /** Validates and copies the offsets. */
    public TraceArrivals {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(offsetNanos, "offsetNanos");
        if (offsetNanos.length == 0) {
            throw new IllegalArgumentException("a trace needs at least one arrival, was empty (" + source + ")");
        }
        offsetNanos = offsetNanos.clone();
        for (int i = 0; i < offsetNanos.length; i++) {
            if (offsetNanos[i] < 0 || (i > 0 && offsetNanos[i] < offsetNanos[i - 1])) {
                throw new IllegalArgumentException("trace offsets must be >= 0 and non-decreasing, was "
                        + offsetNanos[i] + " ns at position " + i + " (" + source + ")");
            }
        }
    }

    /**
     * Reads a trace file: one timestamp in seconds per line.
     *
     * @param file the file
     * @return the trace
     * @throws IllegalArgumentException naming the line when a timestamp is not a number or decreases
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static TraceArrivals fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the arrival trace " + file + ": " + e.getMessage(), e);
        }
        return fromLines(file.toString(), lines);
    }

    /**
     * Parses trace lines (seconds, one per line).
     *
     * @param source a name for messages and results
     * @param lines  the lines
     * @return the trace
     */
    public static TraceArrivals fromLines(String source, List<String> lines) {
        long[] out = new long[lines.size()];
        int n = 0;
        double first = Double.NaN;
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            double t;
            try {
                t = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " of " + source
                        + " must be a timestamp in seconds, was '" + s + "'", e);
            }
            if (!Double.isFinite(t) || t < previous) {
                throw new IllegalArgumentException("line " + (i + 1) + " of " + source
                        + ": timestamps must be finite and not decrease, was " + s + " after " + previous);
            }
            if (n == 0) {
                first = t;
            }
            previous = t;
            out[n++] = Math.round((t - first) * 1e9);
        }
        return new TraceArrivals(source, Arrays.copyOf(out, n));
    }

    /**
     * A copy of the offsets.
     *
     * @return offsets in nanoseconds
     */
    @Override
    public long[] offsetNanos() {
        return offsetNanos.clone();
    }

    /**
     * Number of arrivals in the trace.
     *
     * @return the count
     */
    public int size() {
        return offsetNanos.length;
    }

    /**
     * The trace's mean rate: (arrivals − 1) / span, or the arrival count when the span is zero.
     *
     * @return requests per second
     */
    @Override
    public double ratePerSecond() {
        long span = offsetNanos[offsetNanos.length - 1];
        return span == 0 ? offsetNanos.length : (offsetNanos.length - 1) / (span / 1e9);
    }

    @Override
    public String name() {
        return "trace(" + source + ", " + offsetNanos.length + " arrivals)";
    }

    @Override
    public boolean isFinite() {
        return true;
    }

    @Override
    public PrimitiveIterator.OfLong offsetsNanos(long seed) {
        long[] offs = offsetNanos;
        return new PrimitiveIterator.OfLong() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < offs.length;
            }

            @Override
            public long nextLong() {
                if (i >= offs.length) {
                    throw new NoSuchElementException("the trace has " + offs.length + " arrivals");
                }
                return offs[i++];
            }
        };
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("name", name(), "process", "trace", "source", source, "arrivals", offsetNanos.length,
                "ratePerSecond", ratePerSecond());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceArrivals t && source.equals(t.source) && Arrays.equals(offsetNanos, t.offsetNanos);
    }

    @Override
    public int hashCode() {
        return 31 * source.hashCode() + Arrays.hashCode(offsetNanos);
    }

    @Override
    public String toString() {
        return name();
    }
}
