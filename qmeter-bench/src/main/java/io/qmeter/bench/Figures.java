package io.qmeter.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints benchmark figures as {@code name=value} lines, one per figure, on standard output
 * (progress and notes go to standard error, so the figures can be grepped or parsed).
 *
 * <pre>{@code
 * Figures f = new Figures("capacity16");
 * f.put("req_per_s", 20123.4);   // prints capacity16.req_per_s=20123.4
 * }</pre>
 */
public final class Figures {

    private final String prefix;
    private final PrintStream out;

    /**
     * Figures whose names start with {@code prefix + "."}.
     *
     * @param prefix the prefix, for example {@code capacity16}
     */
    public Figures(String prefix) {
        this.prefix = prefix;
        this.out = System.out;
    }

    /**
     * A child with a longer prefix.
     *
     * @param sub the added part
     * @return the child
     */
    public Figures sub(String sub) {
        return new Figures(prefix + "." + sub);
    }

    /**
     * Prints a figure.
     *
     * @param name  its name
     * @param value its value
     */
    public void put(String name, double value) {
        String v;
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            v = String.valueOf(value);
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            v = Long.toString((long) value);
        } else {
            v = String.format(Locale.ROOT, "%.3f", value);
        }
        out.println(prefix + "." + name + "=" + v);
        out.flush();
    }

    /**
     * Prints a non-numeric figure.
     *
     * @param name  its name
     * @param value its value
     */
    public void put(String name, String value) {
        out.println(prefix + "." + name + "=" + value);
        out.flush();
    }

    /**
     * Prints a note on standard error.
     *
     * @param fmt  format
     * @param args arguments
     */
    public static void note(String fmt, Object... args) {
        System.err.println("# " + String.format(Locale.ROOT, fmt, args));
        System.err.flush();
    }
}
