package io.qmeter.sweep;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the plan's durations: {@code "200ms"}, {@code "1.5s"}, {@code "2m"} or ISO-8601. */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h)");

    private Durations() {
    }

    /** The duration, or null when the text is not one. */
    static Duration parse(String text) {
        String t = text.trim();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            BigDecimal v = new BigDecimal(m.group(1));
            long unitNanos = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            try {
                return Duration.ofNanos(v.multiply(BigDecimal.valueOf(unitNanos)).longValueExact());
            } catch (ArithmeticException e) {
                return null;
            }
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The shortest exact form: "1s", "200ms", "2m", "1500us". */
    static String format(Duration d) {
        long n = d.toNanos();
        long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] names = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < units.length; i++) {
            if (n % units[i] == 0) {
                return (n / units[i]) + names[i];
            }
        }
        return n + "ns";
    }
}
