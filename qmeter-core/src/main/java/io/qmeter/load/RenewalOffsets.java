package io.qmeter.load;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.function.DoubleSupplier;

/** Cumulative offsets of a renewal process: 0, then sums of inter-arrival times (seconds). */
final class RenewalOffsets implements PrimitiveIterator.OfLong {

    private final DoubleSupplier gapSeconds;
    private double cumulativeSeconds;
    private boolean started;

    RenewalOffsets(DoubleSupplier gapSeconds) {
        this.gapSeconds = gapSeconds;
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public long nextLong() {
        if (started) {
            double gap = gapSeconds.getAsDouble();
            if (!(gap >= 0) || Double.isInfinite(gap)) {
                throw new NoSuchElementException("inter-arrival time must be finite and >= 0, was " + gap);
            }
            cumulativeSeconds += gap;
        }
        started = true;
        // computed from the cumulative sum in seconds so that rounding never drifts
        return Math.round(cumulativeSeconds * 1e9);
    }
}
