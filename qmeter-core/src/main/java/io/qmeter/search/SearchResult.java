package io.qmeter.search;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a saturation search: the estimate, the bracket, every probe and why it stopped.
 *
 * <p>The estimate is the highest passing rate (the saturation point's definition); the true point
 * lies between it and the lowest failing rate, which is within the relative tolerance of it when
 * the search {@link StopReason#CONVERGED converged}.
 *
 * <pre>{@code
 * if (r.found()) System.out.printf("saturation %.2f req/s (fails at %.2f)%n", r.saturationRate(), r.lowestFailingRate());
 * }</pre>
 *
 * @param saturationRate         the estimate, req/s: the highest passing rate, or NaN when none passed
 * @param highestPassingRate     highest rate judged PASS, or NaN
 * @param lowestFailingRate      lowest rate judged FAIL, or NaN
 * @param maxThroughputPerSecond throughput of the burst probe, or NaN when none ran
 * @param probes                 every probe in order
 * @param stopReason             why the search stopped
 * @param detail                 a human-readable explanation of the stop
 * @param tolerance              the relative tolerance the search aimed for
 */
public record SearchResult(double saturationRate, double highestPassingRate, double lowestFailingRate,
                           double maxThroughputPerSecond, List<ProbeOutcome> probes, StopReason stopReason,
                           String detail, double tolerance) {

    /** Copies the probe list. */
    public SearchResult {
        probes = List.copyOf(Objects.requireNonNull(probes, "probes"));
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Whether some rate passed.
     *
     * @return true when {@link #saturationRate()} is a number
     */
    public boolean found() {
        return !Double.isNaN(saturationRate);
    }

    /**
     * Whether the search bracketed the point to the tolerance.
     *
     * @return true when it converged
     */
    public boolean converged() {
        return stopReason == StopReason.CONVERGED;
    }

    /**
     * How many probes ran (bursts and repeats included).
     *
     * @return the count
     */
    public int probeCount() {
        return probes.size();
    }

    /**
     * The bracket's relative width, {@code lowestFailing / highestPassing - 1}.
     *
     * @return the width, or NaN when either side is missing
     */
    public double relativeWidth() {
        return lowestFailingRate / highestPassingRate - 1;
    }
}
