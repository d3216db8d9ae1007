package io.qmeter.power;

/**
 * How an energy figure was obtained. Never a silent zero: a sensor that cannot measure says
 * {@link #UNAVAILABLE}.
 *
 * <pre>{@code
 * if (reading.quality() == EnergyQuality.UNAVAILABLE) System.out.println(reading.detail());
 * }</pre>
 */
public enum EnergyQuality {
    /** Read from a hardware energy counter at the window's edges (NVML total energy, Volta+). */
    MEASURED,
    /** Integrated from polled power samples (trapezoid), when no counter exists. */
    INTEGRATED,
    /** Modelled, not measured (the simulated engine's power model, or a TDP-based estimate). */
    ESTIMATED,
    /** No energy figure is available; the reading's detail says why. */
    UNAVAILABLE;

    /**
     * The weaker of two qualities (a sum is only as good as its weakest part).
     *
     * @param other the other quality
     * @return the weaker one
     */
    public EnergyQuality weakest(EnergyQuality other) {
        return this.ordinal() >= other.ordinal() ? this : other;
    }
}
