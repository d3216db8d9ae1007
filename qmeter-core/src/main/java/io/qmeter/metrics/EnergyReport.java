package io.qmeter.metrics;

import io.qmeter.power.DeviceEnergy;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import java.util.List;
import java.util.Objects;

/**
 * Energy over a run's measured interval and what it cost per output token. J/token = energy of all
 * measured devices over the window ÷ output tokens completed in the same window: the tokens of
 * successful requests (any phase) whose content chunks arrived inside the window, a chunk counting
 * its {@code chunkTokens} (or, without them, the request's served tokens spread evenly over its
 * chunks). Gross by default; net subtracts the idle baseline (idle watts × window) when one is given.
 *
 * <pre>{@code
 * EnergyReport e = result.energy();
 * if (e != null && e.available()) System.out.printf("%.3f J/token%n", e.joulesPerToken());
 * }</pre>
 *
 * @param sensor            the sensor's name
 * @param quality           how the energy was obtained
 * @param available         whether there is an energy figure
 * @param joules            energy over the window (NaN when unavailable)
 * @param windowStartNanos  when the window opened, relative to the run's start
 * @param windowEndNanos    when it closed, relative to the run's start
 * @param averageWatts      joules ÷ window seconds
 * @param outputTokens      output tokens completed inside the window
 * @param joulesPerToken    gross J/token (NaN without energy or tokens)
 * @param idleWatts         the idle baseline given, or NaN
 * @param netJoulesPerToken (joules − idleWatts × window seconds) ÷ tokens, or NaN without a baseline
 * @param devices           per-device energy
 * @param detail            what the sensor reported (why unavailable, resets...)
 */
public record EnergyReport(String sensor, EnergyQuality quality, boolean available, double joules,
                           long windowStartNanos, long windowEndNanos, double averageWatts, double outputTokens,
                           double joulesPerToken, double idleWatts, double netJoulesPerToken,
                           List<DeviceEnergy> devices, String detail) {

    /** Copies the device list. */
    public EnergyReport {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(quality, "quality");
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /**
     * Builds the report from a reading and the run's records.
     *
     * @param sensor           the sensor's name
     * @param reading          the reading over the window
     * @param records          every record, times relative to the run's start
     * @param windowStartNanos when the window opened (relative)
     * @param windowEndNanos   when it closed (relative)
     * @param idleWatts        idle power of the measured devices together, or NaN
     * @return the report
     */
    public static EnergyReport of(String sensor, EnergyReading reading, List<RequestRecord> records,
                                  long windowStartNanos, long windowEndNanos, double idleWatts) {
        double tokens = tokensInWindow(records, windowStartNanos, windowEndNanos);
        boolean available = reading.isAvailable();
        double seconds = (windowEndNanos - windowStartNanos) / 1e9;
        double joules = available ? reading.joules() : Double.NaN;
        double gross = available && tokens > 0 ? joules / tokens : Double.NaN;
        double net = available && tokens > 0 && !Double.isNaN(idleWatts)
                ? (joules - idleWatts * seconds) / tokens : Double.NaN;
        return new EnergyReport(sensor, reading.quality(), available, joules, windowStartNanos, windowEndNanos,
                available && seconds > 0 ? joules / seconds : Double.NaN, tokens, gross, idleWatts, net,
                reading.devices(), reading.detail());
    }

    /**
     * Output tokens of successful requests whose content chunks arrived in {@code [start, end]}.
     *
     * @param records the records (relative times)
     * @param start   window start
     * @param end     window end
     * @return tokens (fractional when a request's tokens are spread over its chunks)
     */
    public static double tokensInWindow(List<RequestRecord> records, long start, long end) {
        double tokens = 0;
        for (RequestRecord r : records) {
            if (!r.isOk()) {
                continue;
            }
            long[] chunks = r.chunkNanos();
            int[] perChunk = r.chunkTokens();
            if (chunks.length == 0) {
                if (r.lastTokenNanos() >= start && r.lastTokenNanos() <= end) {
                    tokens += Math.max(0, r.outputTokensServed());
                }
                continue;
            }
            double even = (double) Math.max(0, r.outputTokensServed()) / chunks.length;
            for (int j = 0; j < chunks.length; j++) {
                if (chunks[j] >= start && chunks[j] <= end) {
                    tokens += perChunk != null ? perChunk[j] : even;
                }
            }
        }
        return tokens;
    }
}
