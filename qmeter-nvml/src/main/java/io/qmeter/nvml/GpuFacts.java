package io.qmeter.nvml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one GPU looked like when the facts were taken: identity, memory, power limits, clocks,
 * utilization, temperature, performance state and the reasons its clocks are held down. A number
 * NVML could not give is {@code -1} and its reason is in {@link #unavailable()}.
 *
 * <pre>{@code
 * for (GpuFacts g : sensor.deviceFacts().gpus()) System.out.println(g.name() + " " + g.smClockMhz() + " MHz");
 * }</pre>
 *
 * @param nvmlIndex                  NVML index
 * @param uuid                       {@code GPU-...}
 * @param name                       product name
 * @param pciBusId                   PCI bus id
 * @param architecture               for example {@code Hopper}
 * @param memoryTotalBytes           device memory
 * @param memoryUsedBytes            allocated device memory
 * @param powerLimitEnforcedMilliwatts the power limit in force
 * @param powerLimitDefaultMilliwatts  the default limit
 * @param powerLimitMinMilliwatts    the lowest settable limit
 * @param powerLimitMaxMilliwatts    the highest settable limit
 * @param smClockMhz                 SM clock now
 * @param memoryClockMhz             memory clock now
 * @param smMaxClockMhz              highest SM clock
 * @param memoryMaxClockMhz          highest memory clock
 * @param gpuUtilizationPercent      percent of time a kernel ran, last sample period
 * @param memoryUtilizationPercent   percent of time memory was read or written
 * @param temperatureCelsius         GPU die temperature
 * @param performanceState           P-state (0 fastest .. 15, 32 unknown)
 * @param clocksEventReasons         nvmlClocksEventReason bit mask (-1 when unavailable)
 * @param unavailable                fact name to the reason NVML could not give it
 */
public record GpuFacts(int nvmlIndex, String uuid, String name, String pciBusId, String architecture,
                       long memoryTotalBytes, long memoryUsedBytes, long powerLimitEnforcedMilliwatts,
                       long powerLimitDefaultMilliwatts, long powerLimitMinMilliwatts, long powerLimitMaxMilliwatts,
                       int smClockMhz, int memoryClockMhz, int smMaxClockMhz, int memoryMaxClockMhz,
                       int gpuUtilizationPercent, int memoryUtilizationPercent, int temperatureCelsius,
                       int performanceState, long clocksEventReasons, Map<String, String> unavailable) {

    private static final String[] REASONS = {
        "GpuIdle", "ApplicationsClocksSetting", "SwPowerCap", "HwSlowdown", "SyncBoost", "SwThermalSlowdown",
        "HwThermalSlowdown", "HwPowerBrakeSlowdown", "DisplayClockSetting"};

    /** Copies the map. */
    public GpuFacts {
        unavailable = Map.copyOf(unavailable);
    }

    /**
     * The names of the set clock-event (throttle) reason bits.
     *
     * <pre>{@code
     * GpuFacts.reasonNames(0x5) // [GpuIdle, SwPowerCap]
     * }</pre>
     *
     * @param mask the bit mask
     * @return names, in bit order; unknown bits as hex
     */
    public static List<String> reasonNames(long mask) {
        List<String> out = new ArrayList<>();
        if (mask < 0) {
            return out;
        }
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                out.add(bit < REASONS.length ? REASONS[bit] : "0x" + Long.toHexString(1L << bit));
            }
        }
        return out;
    }

    /**
     * The clock-event reasons as names.
     *
     * @return names of the set bits (empty when none or unavailable)
     */
    public List<String> clocksEventReasonNames() {
        return reasonNames(clocksEventReasons);
    }

    /**
     * The facts as flat strings, keys prefixed (for example {@code gpu0.name}), for a run's
     * result.
     *
     * @param prefix key prefix
     * @return an ordered map
     */
    public Map<String, String> toMap(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "uuid", uuid);
        m.put(prefix + "name", name);
        m.put(prefix + "pciBusId", pciBusId);
        m.put(prefix + "architecture", architecture);
        put(m, prefix, "memoryTotalBytes", memoryTotalBytes);
        put(m, prefix, "memoryUsedBytes", memoryUsedBytes);
        put(m, prefix, "powerLimitEnforcedMilliwatts", powerLimitEnforcedMilliwatts);
        put(m, prefix, "powerLimitDefaultMilliwatts", powerLimitDefaultMilliwatts);
        put(m, prefix, "powerLimitMinMilliwatts", powerLimitMinMilliwatts);
        put(m, prefix, "powerLimitMaxMilliwatts", powerLimitMaxMilliwatts);
        put(m, prefix, "smClockMhz", smClockMhz);
        put(m, prefix, "memoryClockMhz", memoryClockMhz);
        put(m, prefix, "smMaxClockMhz", smMaxClockMhz);
        put(m, prefix, "memoryMaxClockMhz", memoryMaxClockMhz);
        put(m, prefix, "gpuUtilizationPercent", gpuUtilizationPercent);
        put(m, prefix, "memoryUtilizationPercent", memoryUtilizationPercent);
        put(m, prefix, "temperatureCelsius", temperatureCelsius);
        put(m, prefix, "performanceState", performanceState);
        m.put(prefix + "clocksEventReasons", clocksEventReasons < 0 ? "unavailable"
                : "0x" + Long.toHexString(clocksEventReasons) + " " + clocksEventReasonNames());
        unavailable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> m.put(prefix + "unavailable." + e.getKey(), e.getValue()));
        return m;
    }

    private static void put(Map<String, String> m, String prefix, String key, long value) {
        m.put(prefix + key, value < 0 ? "unavailable" : Long.toString(value));
    }
}
