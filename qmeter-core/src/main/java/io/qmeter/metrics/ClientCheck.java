package io.qmeter.metrics;

import io.qmeter.internal.LatencyRecorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load generator's self-check: did it hold its schedule, and did it read responses on time?
 * Schedule lag is dispatch − scheduled per measured request (waiting for an in-flight cap is queue
 * delay, not lag). The achieved rate counts requests handed to the connection (sent) inside the
 * window; it is compared with the schedule's own rate in the window (both counted over the half-open
 * window {@code [start, end)}, so the request due exactly at the end, always sent a little after it,
 * counts on neither side) (so Poisson noise in a short run
 * never fails the check); the nominal target rate is reported beside it. Loop delay is the receive
 * side: how late the client's event loops ran over the window (sampled every millisecond, see
 * {@link io.qmeter.client.LoopDelayWatch}); a token is timestamped when its loop reads it, so TTFT
 * and ITL include up to that much client delay. Both delays are judged against the same p99 limit.
 *
 * <pre>{@code
 * ClientCheck c = result.clientCheck();
 * if (!c.valid()) System.out.println(c.reasons());
 * }</pre>
 *
 * @param scheduleLag            schedule lag over measured requests
 * @param loopDelay              the client's event-loop delay over the window; count 0 when the
 *                               sender does not sample it
 * @param targetRatePerSecond    the arrival process's nominal rate
 * @param scheduledRatePerSecond requests scheduled in {@code [start, end)} ÷ the window's length
 * @param achievedRatePerSecond  requests sent in {@code [start, end)} ÷ the window's length
 * @param thresholds             the thresholds applied
 * @param valid                  whether the client kept up
 * @param reasons                why not (empty when valid)
 */
public record ClientCheck(LatencyStats scheduleLag, LatencyStats loopDelay, double targetRatePerSecond,
                          double scheduledRatePerSecond, double achievedRatePerSecond, ClientCheckThresholds thresholds,
                          boolean valid, List<String> reasons) {

    /** Copies the reasons; a missing loop delay (results written before it existed) is empty. */
    public ClientCheck {
        loopDelay = loopDelay == null ? LatencyStats.empty() : loopDelay;
        reasons = List.copyOf(reasons);
    }

    /**
     * Checks a run.
     *
     * @param records             every record, times relative to the run's start
     * @param window              which records are measured
     * @param targetRatePerSecond the nominal rate
     * @param thresholds          the thresholds
     * @return the check
     */
    public static ClientCheck of(List<RequestRecord> records, MeasurementWindow window, double targetRatePerSecond,
                                 ClientCheckThresholds thresholds) {
        return of(records, window, targetRatePerSecond, thresholds, null);
    }

    /**
     * Checks a run, with the client's event-loop delay over its window.
     *
     * @param records             every record, times relative to the run's start
     * @param window              which records are measured
     * @param targetRatePerSecond the nominal rate
     * @param thresholds          the thresholds
     * @param loopDelay           the loop delay (the load runner's loop-delay sample), or
     *                            {@code null} when not sampled
     * @return the check
     */
    public static ClientCheck of(List<RequestRecord> records, MeasurementWindow window, double targetRatePerSecond,
                                 ClientCheckThresholds thresholds, LatencyStats loopDelay) {
        LatencyRecorder lag = new LatencyRecorder();
        long scheduled = 0;
        long sent = 0;
        for (RequestRecord r : records) {
            if (window.contains(r)) {
                if (r.dispatchNanos() >= 0) {
                    lag.record(r.scheduleLagNanos());
                }
            }
            // Both rates count over the half-open window [start, end): a count-bounded run's window
            // ends exactly at its last scheduled time, and that request is always sent a little after
            // it, so counting it on the schedule's side but not on the sends' side overstated the
            // scheduled rate by one request (requests(19) at 20/s was always "too slow").
            if (r.scheduledNanos() >= window.startNanos() && r.scheduledNanos() < window.endNanos()) {
                scheduled++;
            }
            long sendTime = r.sentNanos() >= 0 ? r.sentNanos()
                    : r.outcome() == Outcome.CANCELLED ? -1 : r.dispatchNanos();
            if (sendTime >= window.startNanos() && sendTime < window.endNanos()) {
                sent++;
            }
        }
        return of(lag.stats(), scheduled, sent, window.lengthNanos(), targetRatePerSecond, thresholds, loopDelay);
    }

    /**
     * Judges counts and distributions gathered elsewhere by the same rules as
     * {@link #of(List, MeasurementWindow, double, ClientCheckThresholds, LatencyStats)}: for example
     * those of several load processes that shared one schedule, added up.
     *
     * <pre>{@code
     * ClientCheck c = ClientCheck.of(lag, 2400, 2391, 60_000_000_000L, 40, ClientCheckThresholds.defaults(), loop);
     * }</pre>
     *
     * @param scheduleLag         schedule lag over measured requests that were dispatched
     * @param scheduledInWindow   requests scheduled in the window {@code [start, end)}
     * @param sentInWindow        requests sent in the window {@code [start, end)} (a request never sent
     *                            counts its dispatch, unless it was cancelled)
     * @param windowNanos         the window's length
     * @param targetRatePerSecond the nominal rate
     * @param thresholds          the thresholds
     * @param loopDelay           the loop delay, or {@code null} when not sampled
     * @return the check
     */
    public static ClientCheck of(LatencyStats scheduleLag, long scheduledInWindow, long sentInWindow, long windowNanos,
                                 double targetRatePerSecond, ClientCheckThresholds thresholds,
                                 LatencyStats loopDelay) {
        long scheduled = scheduledInWindow;
        long sent = sentInWindow;
        double seconds = windowNanos / 1e9;
        double scheduledRate = seconds > 0 ? scheduled / seconds : Double.NaN;
        double achievedRate = seconds > 0 ? sent / seconds : Double.NaN;
        List<String> reasons = new ArrayList<>();
        double lagP99 = scheduleLag.count() == 0 ? Double.NaN : scheduleLag.p99Millis() * 1e6;
        if (lagP99 > thresholds.maxLagP99Nanos()) {
            reasons.add(String.format(Locale.ROOT,
                    "client fell behind its schedule: schedule lag p99 %.3f ms > %.3f ms allowed; "
                            + "lower the rate, free CPU cores, or raise the threshold",
                    lagP99 / 1e6, thresholds.maxLagP99Nanos() / 1e6));
        }
        if (seconds > 0 && scheduled >= 2 && achievedRate < thresholds.minRateFraction() * scheduledRate) {
            reasons.add(String.format(Locale.ROOT,
                    "achieved send rate %.2f/s < %.0f %% of the scheduled %.2f/s (target %.2f/s); "
                            + "the client or an in-flight cap held requests back",
                    achievedRate, thresholds.minRateFraction() * 100, scheduledRate, targetRatePerSecond));
        }
        if (loopDelay != null && loopDelay.count() > 0 && loopDelay.p99Millis() * 1e6 > thresholds.maxLagP99Nanos()) {
            reasons.add(String.format(Locale.ROOT,
                    "client read responses late: event-loop delay p99 %.3f ms > %.3f ms allowed (max %.3f ms), "
                            + "so TTFT and ITL include up to that much client delay; free CPU cores, lower the "
                            + "rate, or raise the threshold",
                    loopDelay.p99Millis(), thresholds.maxLagP99Nanos() / 1e6, loopDelay.maxMillis()));
        }
        return new ClientCheck(scheduleLag, loopDelay, targetRatePerSecond, scheduledRate, achievedRate, thresholds,
                reasons.isEmpty(), reasons);
    }
}
