package io.qmeter.testkit.sim;

/**
 * What happened to one request of a virtual-time run. Times are virtual nanoseconds measured
 * from the request's arrival (TTFT, E2E) or from the trace's start (token times).
 *
 * <pre>{@code
 * for (RequestResult r : result.requests()) System.out.println(r.ttftNanos() / 1e6 + " ms");
 * }</pre>
 *
 * @param index           position in the trace
 * @param arrivalNanos    arrival, from the trace's start
 * @param promptTokens    prompt length
 * @param outputTokens    tokens produced
 * @param ttftNanos       first token − arrival (−1 when rejected)
 * @param e2eNanos        last token − arrival (−1 when rejected)
 * @param preemptions     how often it was preempted and recomputed
 * @param tokenTimesNanos each token's time from the trace's start, or null when not recorded
 * @param error           why it was rejected, or null
 */
public record RequestResult(int index, long arrivalNanos, int promptTokens, int outputTokens, long ttftNanos,
                            long e2eNanos, int preemptions, long[] tokenTimesNanos, String error) {

    /**
     * Whether the request completed.
     *
     * @return false when rejected
     */
    public boolean ok() {
        return error == null;
    }

    /**
     * Time per output token after the first (vLLM's TPOT).
     *
     * @return (E2E − TTFT) / (outputTokens − 1) in nanoseconds, or NaN with fewer than 2 tokens
     */
    public double tpotNanos() {
        return ok() && outputTokens >= 2 ? (e2eNanos - ttftNanos) / (double) (outputTokens - 1) : Double.NaN;
    }
}
