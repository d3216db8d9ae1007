package io.qmeter.testkit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One injected fault for one request (or, for {@link Kind#CRASH}, for the whole engine).
 * Build them with the static factories; {@link FaultPlan} says which requests get which fault.
 *
 * <pre>{@code
 * Fault f = Fault.httpStatus(503);
 * Fault g = Fault.cutAfter(5);              // stream ends after 5 tokens, no [DONE]
 * Fault h = Fault.parse("drip:750ms");      // the same syntax the standalone main accepts
 * }</pre>
 *
 * @param kind        what goes wrong
 * @param httpStatus  the status for {@link Kind#HTTP_STATUS}, else 0
 * @param afterTokens for stream faults, how many tokens are sent before it strikes, else 0
 * @param gap         for {@link Kind#SLOW_DRIP}, the gap between tokens, else {@link Duration#ZERO}
 */
public record Fault(Kind kind, int httpStatus, int afterTokens, Duration gap) {

    /** The faults the test engines can inject. */
    public enum Kind {
        /** The engine stops: listening socket and every connection closed (the standalone process exits). */
        CRASH,
        /** The request is accepted and never answered. */
        HANG,
        /** The stream sends {@code afterTokens} tokens, then nothing more, the connection staying open. */
        STALL,
        /** The answer is an HTTP error status ({@code 429}, {@code 500}, {@code 503}...) in the dialect's error format. */
        HTTP_STATUS,
        /** After {@code afterTokens} tokens an event whose data is not valid JSON is sent; the stream then goes on. */
        MALFORMED_SSE,
        /** The response ends cleanly after {@code afterTokens} tokens but before {@code [DONE]} and the usage. */
        CUT,
        /** Tokens are sent at least {@code gap} apart. */
        SLOW_DRIP,
        /**
         * The response is complete and says {@code Keep-Alive: timeout=5}, but the server closes the
         * connection right after it, as llama.cpp's {@code llama-server} does after a stream.
         */
        CLOSE_AFTER_RESPONSE
    }

    /** Validates the fields. */
    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(gap, "gap");
        if (kind == Kind.HTTP_STATUS && (httpStatus < 400 || httpStatus > 599)) {
            throw new IllegalArgumentException("httpStatus must be 400..599 for an HTTP_STATUS fault, was " + httpStatus);
        }
        if (afterTokens < 0) {
            throw new IllegalArgumentException("afterTokens must be >= 0, was " + afterTokens);
        }
        if (kind == Kind.SLOW_DRIP && (gap.isNegative() || gap.isZero())) {
            throw new IllegalArgumentException("gap must be > 0 for a SLOW_DRIP fault, was " + gap);
        }
    }

    /**
     * The engine crashes when this request arrives.
     *
     * <pre>{@code
     * FaultPlan p = FaultPlan.builder().on(10, Fault.crash()).build();
     * }</pre>
     *
     * @return the fault
     */
    public static Fault crash() {
        return new Fault(Kind.CRASH, 0, 0, Duration.ZERO);
    }

    /**
     * The request is accepted and never answered.
     *
     * <pre>{@code
     * Fault f = Fault.hang();
     * }</pre>
     *
     * @return the fault
     */
    public static Fault hang() {
        return new Fault(Kind.HANG, 0, 0, Duration.ZERO);
    }

    /**
     * The stream stalls after some tokens: no more bytes, the connection stays open.
     *
     * <pre>{@code
     * Fault f = Fault.stallAfter(3);
     * }</pre>
     *
     * @param tokens tokens sent before the stall
     * @return the fault
     */
    public static Fault stallAfter(int tokens) {
        return new Fault(Kind.STALL, 0, tokens, Duration.ZERO);
    }

    /**
     * The request is answered with an HTTP error status in the dialect's error format.
     *
     * <pre>{@code
     * Fault f = Fault.httpStatus(429);
     * }</pre>
     *
     * @param status 400..599
     * @return the fault
     */
    public static Fault httpStatus(int status) {
        return new Fault(Kind.HTTP_STATUS, status, 0, Duration.ZERO);
    }

    /**
     * After some tokens an event whose data is not valid JSON is sent.
     *
     * <pre>{@code
     * Fault f = Fault.malformedAfter(1);
     * }</pre>
     *
     * @param tokens tokens sent before the bad event
     * @return the fault
     */
    public static Fault malformedAfter(int tokens) {
        return new Fault(Kind.MALFORMED_SSE, 0, tokens, Duration.ZERO);
    }

    /**
     * The response body ends cleanly after some tokens, without the finish chunk, the usage or
     * {@code [DONE]} (a non-streaming request gets its connection closed instead).
     *
     * <pre>{@code
     * Fault f = Fault.cutAfter(5);
     * }</pre>
     *
     * @param tokens tokens sent before the cut
     * @return the fault
     */
    public static Fault cutAfter(int tokens) {
        return new Fault(Kind.CUT, 0, tokens, Duration.ZERO);
    }

    /**
     * Tokens are sent at least {@code gap} apart.
     *
     * <pre>{@code
     * Fault f = Fault.slowDrip(Duration.ofSeconds(2));
     * }</pre>
     *
     * @param gap the least time between two tokens
     * @return the fault
     */
    public static Fault slowDrip(Duration gap) {
        return new Fault(Kind.SLOW_DRIP, 0, 0, gap);
    }

    /**
     * The server closes the connection after the complete response although it said keep-alive (as
     * llama-server does after each stream); with {@code FaultPlan.builder().withProbability(1, ...)}
     * on every request.
     *
     * <pre>{@code
     * FaultPlan p = FaultPlan.builder().withProbability(1.0, Fault.closeAfterResponse()).build();
     * }</pre>
     *
     * @return the fault
     */
    public static Fault closeAfterResponse() {
        return new Fault(Kind.CLOSE_AFTER_RESPONSE, 0, 0, Duration.ZERO);
    }

    /**
     * Parses the command-line form {@code KIND[:ARG]}: {@code crash}, {@code hang},
     * {@code stall:TOKENS}, {@code http:STATUS}, {@code malformed[:TOKENS]}, {@code cut:TOKENS},
     * {@code drip:DURATION}, {@code close} (DURATION as {@code 500ms}, {@code 2s} or ISO-8601 {@code PT2S}).
     *
     * <pre>{@code
     * Fault f = Fault.parse("http:503");
     * }</pre>
     *
     * @param spec the text
     * @return the fault
     * @throws IllegalArgumentException when the text is not a fault
     */
    public static Fault parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        try {
            switch (kind) {
                case "crash":
                    return crash();
                case "hang":
                    return hang();
                case "stall":
                    return stallAfter(arg == null ? 1 : Integer.parseInt(arg));
                case "http":
                    return httpStatus(arg == null ? 500 : Integer.parseInt(arg));
                case "malformed":
                    return malformedAfter(arg == null ? 1 : Integer.parseInt(arg));
                case "cut":
                    return cutAfter(arg == null ? 1 : Integer.parseInt(arg));
                case "drip":
                    return slowDrip(parseDuration(arg == null ? "1s" : arg));
                case "close":
                    return closeAfterResponse();
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault '" + spec + "' has a bad argument: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("fault must be one of crash, hang, stall:N, http:STATUS, malformed[:N], "
                + "cut:N, drip:DURATION, close, was '" + spec + "'");
    }

    /**
     * Parses {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m} or ISO-8601 ({@code PT2S}).
     *
     * <pre>{@code
     * Duration d = Fault.parseDuration("750ms");
     * }</pre>
     *
     * @param text the text
     * @return the duration
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        if (t.endsWith("ms")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6));
        }
        if (t.endsWith("s")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9));
        }
        if (t.endsWith("m")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60e9));
        }
        throw new IllegalArgumentException("duration must look like 250ms, 2s, 3m or PT2S, was '" + text + "'");
    }
}
