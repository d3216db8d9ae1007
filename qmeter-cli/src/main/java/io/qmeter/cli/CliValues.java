package io.qmeter.cli;

import io.qmeter.QMeter;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the values the commands take: durations ({@code 200ms}, {@code 1.5s}, {@code 2m},
 * ISO-8601 {@code PT1S}, as in plans) and SLOs ({@code ttft:p90<1s,tpot:p90<200ms}). Errors name the
 * option and say what was expected.
 *
 * <pre>{@code
 * Slo slo = CliValues.slo("--slo", "ttft:p90<1s,tpot:p90<200ms");
 * Duration d = CliValues.duration("--duration", "2m");
 * }</pre>
 */
public final class CliValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h)");
    private static final Pattern CLAUSE = Pattern.compile(
            "(ttft|tpot|e2e|e2el)\\s*:\\s*p(\\d+(?:\\.\\d+)?)\\s*<=?\\s*(\\S+)", Pattern.CASE_INSENSITIVE);

    private CliValues() {
    }

    /**
     * Parses a duration: a number and a unit ({@code ns us ms s m h}) or ISO-8601.
     *
     * @param option the option or field name, for the message
     * @param text   the text
     * @return the duration
     * @throws UserError naming the option when the text is not a duration
     */
    public static Duration duration(String option, String text) {
        String t = text.trim();
        Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double v = Double.parseDouble(m.group(1));
            double nanosPer = switch (m.group(2)) {
                case "ns" -> 1;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            return Duration.ofNanos(Math.round(v * nanosPer));
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new UserError(option + ": expected a duration such as 200ms, 1.5s, 2m or PT1S, was '" + text + "'");
        }
    }

    /**
     * Parses an SLO: comma-separated clauses {@code metric:pNN<duration}, metric one of
     * {@code ttft}, {@code tpot}, {@code e2e} ({@code e2el} as vLLM names it).
     *
     * @param option the option name, for the message
     * @param text   for example {@code ttft:p90<1s,tpot:p90<200ms}
     * @return the SLO
     * @throws UserError naming the option and the clause when the text is not an SLO
     */
    public static Slo slo(String option, String text) {
        Slo.Builder b = QMeter.slo();
        int clauses = 0;
        for (String raw : text.split(",")) {
            String c = raw.trim();
            if (c.isEmpty()) {
                continue;
            }
            Matcher m = CLAUSE.matcher(c);
            if (!m.matches()) {
                throw new UserError(option + ": expected clauses like ttft:p90<1s,tpot:p90<200ms (metric ttft, tpot or"
                        + " e2e; a percentile; a duration), was '" + c + "'");
            }
            double p = Double.parseDouble(m.group(2));
            if (!(p > 0 && p < 100)) {
                throw new UserError(option + ": the percentile of '" + c + "' must be in (0, 100), was " + m.group(2));
            }
            Duration max = duration(option, m.group(3));
            Percentile pct = Percentile.of(p);
            b = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                case "ttft" -> b.ttft(pct, max);
                case "tpot" -> b.tpot(pct, max);
                default -> b.e2e(pct, max);
            };
            clauses++;
        }
        if (clauses == 0) {
            throw new UserError(option + ": expected at least one clause such as ttft:p90<1s, was '" + text + "'");
        }
        return b.build();
    }
}
