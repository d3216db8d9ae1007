package io.qmeter.power;

/**
 * An open energy measurement. {@link #end()} ends it and returns the energy used since it was
 * opened; ending twice returns the same reading; {@link #close()} ends it too and discards the
 * reading (for try-with-resources on error paths).
 *
 * <pre>{@code
 * try (EnergyWindow w = sensor.open()) {
 *     ... load ...
 *     EnergyReading r = w.end();
 * }
 * }</pre>
 */
public interface EnergyWindow extends AutoCloseable {

    /**
     * Ends the window (once; later calls return the same reading).
     *
     * @return the energy used between open and end; never throws for a sensor fault, which is
     *         reported as an {@link EnergyQuality#UNAVAILABLE} reading with the reason
     */
    EnergyReading end();

    /** Ends the window if it is still open; idempotent. */
    @Override
    default void close() {
        end();
    }
}
