package io.qmeter.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link ScriptedEngine} answers one request: when the first token comes, the gaps between
 * chunks, how many tokens and how many per chunk, the usage it reports, the finish reason, or an
 * HTTP error, or a {@link Fault}. Every chunk is sent at an absolute time counted from the
 * request's arrival: chunk 0 at {@code ttft}, chunk i at {@code ttft + gap(0) + ... + gap(i-1)}.
 *
 * <pre>{@code
 * Script s = Script.builder().ttft(Duration.ofMillis(80)).gap(Duration.ofMillis(20)).tokens(64).build();
 * Script e = Script.builder().status(503, null).build();                  // dialect's error body
 * Script j = Script.builder().gaps(List.of(ofMillis(5), ofMillis(40))).tokensPerChunk(2).noUsage().build();
 * }</pre>
 *
 * @param ttft             time from arrival to the first content chunk
 * @param gaps             gap after chunk i (the last one repeats); empty means {@link Duration#ZERO}
 * @param tokens           output tokens to send; 0 means the request's {@code max_tokens}
 * @param tokensPerChunk   tokens per content chunk (the last chunk may carry fewer)
 * @param usage            whether usage is reported (in the dialect's way); false: never
 * @param promptTokens     prompt tokens to report; -1: the engine's count of the request's prompt
 * @param completionTokens completion tokens to report; -1: the tokens actually sent
 * @param finishReason     the finish reason; {@code null}: {@code "length"} when {@code max_tokens}
 *                         was reached, else {@code "stop"}
 * @param status           0 for a normal answer, else an HTTP status sent after {@code ttft}
 * @param errorBody        the raw body for {@code status}; {@code null}: the dialect's error format
 * @param fault            a fault for this request, or {@code null} (a {@link FaultPlan} fault wins)
 */
public record Script(Duration ttft, List<Duration> gaps, int tokens, int tokensPerChunk, boolean usage,
                     int promptTokens, int completionTokens, String finishReason, int status, String errorBody,
                     Fault fault) {

    /** Validates and copies. */
    public Script {
        Objects.requireNonNull(ttft, "ttft");
        if (ttft.isNegative()) {
            throw new IllegalArgumentException("ttft must be >= 0, was " + ttft);
        }
        gaps = List.copyOf(gaps);
        for (Duration g : gaps) {
            if (g.isNegative()) {
                throw new IllegalArgumentException("gaps must be >= 0, was " + g);
            }
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0 (0 = max_tokens), was " + tokens);
        }
        if (tokensPerChunk < 1) {
            throw new IllegalArgumentException("tokensPerChunk must be >= 1, was " + tokensPerChunk);
        }
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("status must be 0 (normal) or 100..599, was " + status);
        }
    }

    /**
     * The default script: first token at once, no gaps, {@code max_tokens} tokens, one per chunk.
     *
     * <pre>{@code
     * ScriptedEngine.builder().defaultScript(Script.immediate());
     * }</pre>
     *
     * @return the script
     */
    public static Script immediate() {
        return builder().build();
    }

    /**
     * A builder with the defaults of {@link #immediate()}.
     *
     * <pre>{@code
     * Script s = Script.builder().ttft(Duration.ofMillis(50)).build();
     * }</pre>
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The gap after chunk {@code i}.
     *
     * @param i chunk index
     * @return the gap
     */
    public Duration gapAfter(int i) {
        if (gaps.isEmpty()) {
            return Duration.ZERO;
        }
        return gaps.get(Math.min(i, gaps.size() - 1));
    }

    /** Builds a {@link Script}. */
    public static final class Builder {
        private Duration ttft = Duration.ZERO;
        private List<Duration> gaps = List.of();
        private int tokens;
        private int tokensPerChunk = 1;
        private boolean usage = true;
        private int promptTokens = -1;
        private int completionTokens = -1;
        private String finishReason;
        private int status;
        private String errorBody;
        private Fault fault;

        private Builder() {
        }

        /**
         * Time from the request's arrival to the first content chunk.
         *
         * @param d the time, {@code >= 0}
         * @return a new builder
         */
        public Builder ttft(Duration d) {
            Builder b = copy();
            b.ttft = Objects.requireNonNull(d, "ttft");
            return b;
        }

        /**
         * The same gap between every two chunks.
         *
         * @param d the gap, {@code >= 0}
         * @return a new builder
         */
        public Builder gap(Duration d) {
            Builder b = copy();
            b.gaps = List.of(Objects.requireNonNull(d, "gap"));
            return b;
        }

        /**
         * Gaps between chunks, in order; the last one repeats.
         *
         * @param ds the gaps
         * @return a new builder
         */
        public Builder gaps(List<Duration> ds) {
            Builder b = copy();
            b.gaps = List.copyOf(ds);
            return b;
        }

        /**
         * Output tokens to send (0 = the request's {@code max_tokens}).
         *
         * @param n tokens
         * @return a new builder
         */
        public Builder tokens(int n) {
            Builder b = copy();
            b.tokens = n;
            return b;
        }

        /**
         * Tokens per content chunk.
         *
         * @param n at least 1
         * @return a new builder
         */
        public Builder tokensPerChunk(int n) {
            Builder b = copy();
            b.tokensPerChunk = n;
            return b;
        }

        /**
         * Report no usage at all (a client must then count chunks).
         *
         * @return a new builder
         */
        public Builder noUsage() {
            Builder b = copy();
            b.usage = false;
            return b;
        }

        /**
         * Report these usage figures instead of the true ones.
         *
         * @param prompt     prompt tokens
         * @param completion completion tokens
         * @return a new builder
         */
        public Builder usage(int prompt, int completion) {
            Builder b = copy();
            b.usage = true;
            b.promptTokens = prompt;
            b.completionTokens = completion;
            return b;
        }

        /**
         * The finish reason to send.
         *
         * @param reason for example {@code "stop"} or {@code "length"}
         * @return a new builder
         */
        public Builder finishReason(String reason) {
            Builder b = copy();
            b.finishReason = reason;
            return b;
        }

        /**
         * Answer with an HTTP status after {@code ttft}.
         *
         * @param httpStatus the status
         * @param body       the raw body, or {@code null} for the dialect's error format
         * @return a new builder
         */
        public Builder status(int httpStatus, String body) {
            Builder b = copy();
            b.status = httpStatus;
            b.errorBody = body;
            return b;
        }

        /** A copy of this builder: every setter returns a changed copy, so a builder is never shared mutable state. */
        private Builder copy() {
            Builder b = new Builder();
            b.ttft = ttft;
            b.gaps = gaps;
            b.tokens = tokens;
            b.tokensPerChunk = tokensPerChunk;
            b.usage = usage;
            b.promptTokens = promptTokens;
            b.completionTokens = completionTokens;
            b.finishReason = finishReason;
            b.status = status;
            b.errorBody = errorBody;
            b.fault = fault;
            return b;
        }

        /**
         * Inject a fault into this request.
         *
         * @param f the fault
         * @return a new builder
         */
        public Builder fault(Fault f) {
            Builder b = copy();
            b.fault = f;
            return b;
        }

        /**
         * The script.
         *
         * @return an immutable script
         */
        public Script build() {
            return new Script(ttft, gaps, tokens, tokensPerChunk, usage, promptTokens, completionTokens, finishReason,
                    status, errorBody, fault);
        }
    }
}
