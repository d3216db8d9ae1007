package io.qmeter.testkit.sim;

/**
 * A simulated per-GPU energy counter: piecewise-constant power integrated over time (package-
 * private). The writer sets the power from a time on; readers integrate up to any later time.
 * All GPUs of a tensor-parallel group run the same kernels, so one counter serves every rank.
 * Thread-safe.
 */
final class EnergyMeter {
    private final double idleWatts;
    private long lastNanos;
    /** The latest time a reader extrapolated to: later power changes apply from there on, so readings never go back. */
    private long readNanos;
    private double watts;
    private double joules;
    private double minWatts = Double.POSITIVE_INFINITY;
    private double maxWatts = Double.NEGATIVE_INFINITY;

    EnergyMeter(double idleWatts, long startNanos) {
        this.idleWatts = idleWatts;
        this.watts = idleWatts;
        this.lastNanos = startNanos;
    }

    /** From {@code atNanos} on the GPU draws {@code newWatts}; earlier times keep their power. */
    synchronized void setWatts(long atNanos, double newWatts) {
        atNanos = Math.max(atNanos, readNanos);
        if (atNanos > lastNanos) {
            joules += watts * (atNanos - lastNanos) * 1e-9;
            lastNanos = atNanos;
        }
        watts = newWatts;
        minWatts = Math.min(minWatts, newWatts);
        maxWatts = Math.max(maxWatts, newWatts);
    }

    /** Energy of one GPU from the start up to {@code nanos} (at least what was integrated so far). */
    synchronized double joulesAt(long nanos) {
        if (nanos <= lastNanos) {
            return joules;
        }
        readNanos = Math.max(readNanos, nanos);
        return joules + watts * (nanos - lastNanos) * 1e-9;
    }

    synchronized double minWatts() {
        return Math.min(idleWatts, minWatts);
    }

    synchronized double maxWatts() {
        return Math.max(idleWatts, maxWatts);
    }

    double idleWatts() {
        return idleWatts;
    }
}
