package io.qmeter.metrics;

import io.qmeter.internal.LatencyRecorder;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run measured, over its measured requests (scheduled inside the
 * {@link MeasurementWindow}; warm-up and cool-down requests are excluded but kept in the raw
 * records). Definitions are those of {@code docs/metrics.md}:
 * <ul>
 *   <li>latency distributions (TTFT, service TTFT, TPOT, ITL, E2E) use successful ({@link Outcome#OK})
 *       measured requests; queue delay uses every measured request that was sent;</li>
 *   <li>throughput (as vLLM's {@code bench serve}) = successful measured requests (and their output
 *       tokens) ÷ the measured span, from the window's start to the later of its end and the last
 *       token of a measured request; it is diluted when requests last long compared with the window;</li>
 *   <li>window throughput (steady state) = successful requests of any phase whose last token arrived
 *       inside the window, and output tokens whose chunks arrived inside it, ÷ the window's length —
 *       the rate the server actually sustained, and the denominator of J/token;</li>
 *   <li>failures are counted per {@link Outcome} and never as successes.</li>
 * </ul>
 *
 * <pre>{@code
 * RunSummary s = RunSummary.of(records, window, true);
 * System.out.println(s.ttft().p90Millis() + " ms, " + s.outputTokenThroughputPerSecond() + " tok/s");
 * }</pre>
 *
 * @param totalRequests                  every request the run scheduled and dispatched (all phases)
 * @param warmupRequests                 requests scheduled before the window
 * @param cooldownRequests               requests scheduled after the window
 * @param measuredRequests               requests scheduled in the window
 * @param okRequests                     measured requests that succeeded
 * @param failedRequests                 measured requests that did not succeed (any other outcome)
 * @param outcomes                       measured requests per outcome (every outcome present)
 * @param ttft                           TTFT from the scheduled time
 * @param serviceTtft                    TTFT from the send time
 * @param tpot                           time per output token after the first (requests with ≥ 2 tokens)
 * @param itl                            inter-token latency, chunk gaps spread over their tokens
 * @param e2e                            end-to-end latency from the scheduled time
 * @param queueDelay                     sent − scheduled
 * @param measuredSpanNanos              the span throughput is divided by
 * @param requestThroughputPerSecond     successful measured requests per second
 * @param outputTokenThroughputPerSecond output tokens of successful measured requests per second
 * @param windowRequestThroughputPerSecond     successful requests completed inside the window per second
 *                                             of window (NaN for an empty window)
 * @param windowOutputTokenThroughputPerSecond output tokens of successful requests that arrived inside
 *                                             the window per second of window (NaN for an empty window)
 * @param inputTokens                    input tokens of successful measured requests (served when
 *                                       reported, else requested)
 * @param outputTokens                   output tokens served to successful measured requests
 * @param inputLengthMismatches          successful measured requests whose served input length was
 *                                       reported and differs from the requested one
 * @param outputLengthMismatches         with {@code ignore_eos}: successful measured requests whose
 *                                       served output length differs from the requested one
 * @param outputCountedFromChunks        successful measured requests whose output length was counted
 *                                       from chunks (the server sent no usage)
 * @param retriedRequests                measured requests sent a second time because the server had
 *                                       closed their pooled connection before responding
 *                                       ({@link RequestRecord#retried()})
 * @param serverPromptTime               the server's own prefill time ({@link ServerTimings#promptMillis()})
 *                                       of successful measured requests that reported it (empty otherwise)
 * @param clientShareOfTtft              TTFT − the server's prefill time, for the same requests: queueing
 *                                       in the server, the network and the client (negative values,
 *                                       which only clock granularity gives, count as 0)
 */
public record RunSummary(long totalRequests, long warmupRequests, long cooldownRequests, long measuredRequests,
                         long okRequests, long failedRequests, Map<Outcome, Long> outcomes, LatencyStats ttft,
                         LatencyStats serviceTtft, LatencyStats tpot, LatencyStats itl, LatencyStats e2e,
                         LatencyStats queueDelay, long measuredSpanNanos, double requestThroughputPerSecond,
                         double outputTokenThroughputPerSecond, double windowRequestThroughputPerSecond,
                         double windowOutputTokenThroughputPerSecond, long inputTokens, long outputTokens,
                         long inputLengthMismatches, long outputLengthMismatches, long outputCountedFromChunks,
                         long retriedRequests, LatencyStats serverPromptTime, LatencyStats clientShareOfTtft) {

    /** Validates the counts and fills missing outcomes with 0; missing server timings (old results) are empty. */
    public RunSummary {
        serverPromptTime = serverPromptTime == null ? LatencyStats.empty() : serverPromptTime;
        clientShareOfTtft = clientShareOfTtft == null ? LatencyStats.empty() : clientShareOfTtft;
        Objects.requireNonNull(outcomes, "outcomes");
        EnumMap<Outcome, Long> all = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            all.put(o, outcomes.getOrDefault(o, 0L));
        }
        outcomes = Collections.unmodifiableMap(all);
        if (okRequests + failedRequests != measuredRequests) {
            throw new IllegalArgumentException("ok (" + okRequests + ") + failed (" + failedRequests
                    + ") must equal measured requests (" + measuredRequests + ")");
        }
    }

    /**
     * Computes the summary of a run.
     *
     * @param records   every record of the run, times relative to the run's start
     * @param window    which records are measured
     * @param ignoreEos whether the run asked for exact output lengths (then output mismatches count)
     * @return the summary
     */
    public static RunSummary of(List<RequestRecord> records, MeasurementWindow window, boolean ignoreEos) {
        LatencyRecorder ttft = new LatencyRecorder();
        LatencyRecorder serviceTtft = new LatencyRecorder();
        LatencyRecorder tpot = new LatencyRecorder();
        LatencyRecorder itl = new LatencyRecorder();
        LatencyRecorder e2e = new LatencyRecorder();
        LatencyRecorder queue = new LatencyRecorder();
        EnumMap<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        long warmup = 0;
        long cooldown = 0;
        long measured = 0;
        long ok = 0;
        long inputTokens = 0;
        long outputTokens = 0;
        long inMismatch = 0;
        long outMismatch = 0;
        long fromChunks = 0;
        long retried = 0;
        LatencyRecorder serverPrompt = new LatencyRecorder();
        LatencyRecorder clientShare = new LatencyRecorder();
        for (RequestRecord r : records) {
            if (r.scheduledNanos() < window.startNanos()) {
                warmup++;
                continue;
            }
            if (r.scheduledNanos() > window.endNanos()) {
                cooldown++;
                continue;
            }
            measured++;
            outcomes.merge(r.outcome(), 1L, Long::sum);
            if (r.retried()) {
                retried++;
            }
            if (r.sentNanos() >= 0) {
                queue.record(r.queueDelayNanos());
            }
            if (!r.isOk()) {
                continue;
            }
            ok++;
            long prompt = r.serverTimings() == null ? -1 : r.serverTimings().promptNanos();
            if (prompt >= 0 && r.firstTokenNanos() >= 0) {
                serverPrompt.record(prompt);
                clientShare.record(Math.max(0, r.clientShareOfTtftNanos()));
            }
            if (r.firstTokenNanos() >= 0) {
                ttft.record(r.ttftNanos());
                if (r.sentNanos() >= 0) {
                    serviceTtft.record(r.serviceTtftNanos());
                }
            }
            if (r.lastTokenNanos() >= 0) {
                e2e.record(r.e2eNanos());
            }
            double t = r.tpotNanos();
            if (t >= 0) {
                tpot.record(t);
            }
            recordItl(r, itl);
            inputTokens += r.inputTokensServed() >= 0 ? r.inputTokensServed() : r.inputTokensRequested();
            outputTokens += Math.max(0, r.outputTokensServed());
            if (r.inputTokensServed() >= 0 && r.inputTokensServed() != r.inputTokensRequested()) {
                inMismatch++;
            }
            if (ignoreEos && r.outputTokensServed() != r.outputTokensRequested()) {
                outMismatch++;
            }
            if (r.outputCountedFromChunks()) {
                fromChunks++;
            }
        }
        long span = measuredSpanNanos(records, window);
        double seconds = span / 1e9;
        double reqPerS = seconds > 0 ? ok / seconds : Double.NaN;
        double tokPerS = seconds > 0 ? outputTokens / seconds : Double.NaN;
        double windowSeconds = window.lengthNanos() / 1e9;
        long completedInWindow = 0;
        for (RequestRecord r : records) {
            if (r.isOk() && r.lastTokenNanos() >= window.startNanos() && r.lastTokenNanos() <= window.endNanos()) {
                completedInWindow++;
            }
        }
        double windowReqPerS = windowSeconds > 0 ? completedInWindow / windowSeconds : Double.NaN;
        double windowTokPerS = windowSeconds > 0
                ? EnergyReport.tokensInWindow(records, window.startNanos(), window.endNanos()) / windowSeconds
                : Double.NaN;
        return new RunSummary(records.size(), warmup, cooldown, measured, ok, measured - ok, outcomes,
                ttft.stats(), serviceTtft.stats(), tpot.stats(), itl.stats(), e2e.stats(), queue.stats(), span,
                reqPerS, tokPerS, windowReqPerS, windowTokPerS, inputTokens, outputTokens, inMismatch, outMismatch,
                fromChunks, retried, serverPrompt.stats(), clientShare.stats());
    }

    /**
     * The span throughput and goodput are divided by: from the window's start to the later of the
     * window's end and the last token of any measured request.
     *
     * @param records the records (times relative to the run's start)
     * @param window  the measurement window
     * @return nanoseconds
     */
    public static long measuredSpanNanos(List<RequestRecord> records, MeasurementWindow window) {
        long end = window.endNanos();
        for (RequestRecord r : records) {
            if (window.contains(r) && r.lastTokenNanos() >= 0) {
                end = Math.max(end, r.lastTokenNanos());
            }
        }
        return end - window.startNanos();
    }

    /** ITL: gaps between consecutive content chunks; a chunk of k tokens adds its gap / k, k times. */
    static void recordItl(RequestRecord r, LatencyRecorder itl) {
        long[] chunks = r.chunkNanos();
        int[] tokens = r.chunkTokens();
        for (int j = 1; j < chunks.length; j++) {
            int k = tokens == null ? 1 : tokens[j];
            if (k <= 0) {
                continue; // a chunk that carried no token has no gap of its own
            }
            itl.record((double) (chunks[j] - chunks[j - 1]) / k, k);
        }
    }

    /**
     * Requests that ended with an outcome.
     *
     * @param outcome the outcome
     * @return the count among measured requests
     */
    public long count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }
}
