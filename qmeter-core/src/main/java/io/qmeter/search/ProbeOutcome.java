package io.qmeter.search;

import java.time.Duration;
import java.util.Objects;

/**
 * One probe the search ran: what it asked, what came back, how it was judged.
 *
 * <pre>{@code
 * for (ProbeOutcome p : result.probes()) {
 *     System.out.printf("%6.2f req/s x %d -> %s%n", p.request().ratePerSecond(), p.request().requestCount(), p.decision());
 * }
 * }</pre>
 *
 * @param index                  position in the search, from 0
 * @param purpose                why it ran
 * @param request                rate, request count, seed, attempt
 * @param result                 what the probe measured, or {@code null} when it threw
 * @param judgement              the predicate's judgement (on samples pooled with earlier attempts
 *                               at this rate), or {@code null} for a burst or a probe that threw
 * @param decision               the decision the search acted on: the judgement's, or its leaning
 *                               when repeats were spent; {@code null} when the search acted on
 *                               none (burst, error, or a repeat follows)
 * @param decidedByPointEstimate true when the interval straddled the threshold and the search
 *                               took the point estimate's side
 * @param error                  the probe's exception as text, or {@code null}
 * @param elapsed                wall time the probe took
 */
public record ProbeOutcome(int index, ProbePurpose purpose, ProbeRequest request, ProbeResult result,
                           Judgement judgement, Decision decision, boolean decidedByPointEstimate, String error,
                           Duration elapsed) {

    /** Validates the outcome. */
    public ProbeOutcome {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(elapsed, "elapsed");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of result and error must be set");
        }
        if (decision == Decision.UNDECIDED) {
            throw new IllegalArgumentException("the search acts on PASS or FAIL, was UNDECIDED");
        }
    }

    /**
     * The probed rate.
     *
     * @return requests per second
     */
    public double ratePerSecond() {
        return request.ratePerSecond();
    }

    /**
     * The probe's summary (for example its {@code RunResult}), or {@code null}.
     *
     * @return the summary
     */
    public Object summary() {
        return result == null ? null : result.summary();
    }
}
