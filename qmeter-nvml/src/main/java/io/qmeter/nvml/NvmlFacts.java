package io.qmeter.nvml;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver and the measured GPUs at one moment, to attach to a run's result.
 *
 * <pre>{@code
 * NvmlFacts f = sensor.deviceFacts();
 * result.withAttributes(f.toMap());
 * }</pre>
 *
 * @param takenAt           when
 * @param driverVersion     for example {@code 550.54.15} (empty when unavailable)
 * @param nvmlVersion       for example {@code 12.550.54.15}
 * @param cudaDriverVersion for example {@code 12.4} (empty when unavailable)
 * @param gpus              the measured GPUs
 * @param unavailable       system fact name to the reason NVML could not give it
 */
public record NvmlFacts(Instant takenAt, String driverVersion, String nvmlVersion, String cudaDriverVersion,
                        List<GpuFacts> gpus, Map<String, String> unavailable) {

    /** Copies the collections. */
    public NvmlFacts {
        gpus = List.copyOf(gpus);
        unavailable = Map.copyOf(unavailable);
    }

    /**
     * Flat string facts ({@code nvml.driverVersion}, {@code gpu0.name}, ...), in a stable order.
     *
     * @return an ordered map
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nvml.takenAt", takenAt.toString());
        m.put("nvml.driverVersion", driverVersion);
        m.put("nvml.nvmlVersion", nvmlVersion);
        m.put("nvml.cudaDriverVersion", cudaDriverVersion);
        unavailable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> m.put("nvml.unavailable." + e.getKey(), e.getValue()));
        for (int i = 0; i < gpus.size(); i++) {
            m.putAll(gpus.get(i).toMap("gpu" + i + "."));
        }
        return m;
    }
}
