package io.qmeter.nvml;

import com.sun.jna.Pointer;
import io.qmeter.nvml.internal.FieldValue;
import io.qmeter.nvml.internal.JnaNvml;
import io.qmeter.nvml.internal.MemoryInfo;
import io.qmeter.nvml.internal.NvmlApi;
import io.qmeter.nvml.internal.PowerSampler;
import io.qmeter.nvml.internal.TimeSource;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Energy of NVIDIA GPUs through NVML: the hardware energy counter at window edges where the GPU
 * has one (Volta and newer: {@link EnergyQuality#MEASURED}), otherwise polled power integrated
 * with the trapezoid rule ({@link EnergyQuality#INTEGRATED}). The energy of all selected GPUs (a
 * tensor- or data-parallel engine's) is summed.
 *
 * <p>How it measures:
 * <ul>
 *   <li>At start it probes each GPU: energy counter, instant power (field 186), average power
 *       (field 185), {@code nvmlDeviceGetPowerUsage}; {@link #gpuCapabilities()} tells what works.</li>
 *   <li>One daemon thread ({@code qmeter-nvml-sampler}) reads each GPU's power every
 *       {@link NvmlSensorOptions#sampleInterval()} (100 Hz by default; a read costs µs), keeps a
 *       bounded timeline ({@link #powerTimeline()}) and integrates it. The counter costs ms a read
 *       and changes only every ~100 ms, so it is read only at window edges, GPU after GPU, back to
 *       back; the spread is reported as {@code edgeSkewNanos}. Nothing reads NVML on a request's
 *       path.</li>
 *   <li>Counter reset: the counter counts from the driver's load. If a GPU's counter is lower at
 *       a window's end than at its start (driver reload, GPU reset), that GPU's energy for the
 *       window comes from the integrated power instead (quality INTEGRATED, the reading's detail
 *       says so); without power samples it is UNAVAILABLE. A reset followed by more energy than
 *       the window had before it cannot be seen from the edges; the integrated cross-check in
 *       {@link NvmlEnergyWindow#integratedJoules()} shows it.</li>
 *   <li>A sum is only as good as its weakest GPU: one GPU without a figure makes the whole
 *       reading UNAVAILABLE (NaN joules, never a silent 0), with the reason.</li>
 * </ul>
 *
 * <p>Without NVIDIA's library (CI, laptops) it loads fine and reports UNAVAILABLE with the reason.
 * Discovery: {@code META-INF/services/io.qmeter.power.PowerSensor} names this class; the
 * no-argument constructor measures the GPUs of {@code CUDA_VISIBLE_DEVICES} at 100 Hz and never
 * throws. {@code PowerSensors.firstAvailable()} picks the first registered sensor that can work
 * here and closes the others:
 * <pre>{@code
 * Optional<PowerSensor> chosen = PowerSensors.firstAvailable();
 * }</pre>
 *
 * <p>Explicitly:
 * <pre>{@code
 * try (NvmlPowerSensor s = new NvmlPowerSensor(NvmlSensorOptions.defaults().withGpus(GpuSelection.indices(0, 1)))) {
 *     double idleWatts = s.measureIdleWatts(Duration.ofSeconds(5));
 *     try (NvmlEnergyWindow w = s.open()) {
 *         runLoad();
 *         EnergyReading r = w.end();
 *         double netJoules = r.netJoules(idleWatts);
 *     }
 *     Map<String, String> facts = s.deviceFacts().toMap();
 * }
 * }</pre>
 */
public final class NvmlPowerSensor implements PowerSensor {

    private static final Logger LOG = LoggerFactory.getLogger(NvmlPowerSensor.class);

    private final NvmlSensorOptions options;
    private final TimeSource time;
    private final NvmlApi nvml;
    private final List<Pointer> handles = new ArrayList<>();
    private final List<GpuPowerCapability> gpus = new ArrayList<>();
    private final SensorCapability capability;
    private final PowerSampler sampler;
    private final String selectionDetail;
    private volatile boolean closed;
    private volatile double lastIdleWatts = Double.NaN;

    /**
     * The sensor ServiceLoader makes: the GPUs of this process's CUDA_VISIBLE_DEVICES, sampled at
     * 100 Hz. Never throws: without NVML it reports UNAVAILABLE with the reason.
     */
    public NvmlPowerSensor() {
        this(NvmlSensorOptions.defaults());
    }

    /**
     * A sensor with the given options. Never throws for a missing library, GPU or selection
     * problem: {@link #capability()} then says UNAVAILABLE and why. Use {@link #require} to fail
     * instead.
     *
     * @param options what and how to measure
     */
    public NvmlPowerSensor(NvmlSensorOptions options) {
        this(options, JnaNvml::load, TimeSource.SYSTEM, true);
    }

    /**
     * A sensor that must work.
     *
     * @param options what and how to measure
     * @return the sensor, with a capability better than UNAVAILABLE
     * @throws IllegalStateException with the reason when it cannot measure
     */
    public static NvmlPowerSensor require(NvmlSensorOptions options) {
        NvmlPowerSensor s = new NvmlPowerSensor(options);
        if (s.capability().quality() == EnergyQuality.UNAVAILABLE) {
            String why = s.capability().detail();
            s.close();
            throw new IllegalStateException("expected NVML to measure the GPUs' energy, but it cannot: " + why);
        }
        return s;
    }

    /** For tests: a fake NVML, a virtual clock, and sampling driven by hand when startSampler is false. */
    NvmlPowerSensor(NvmlSensorOptions options, Supplier<NvmlApi> loader, TimeSource time, boolean startSampler) {
        this.options = options;
        this.time = time;
        NvmlApi api = null;
        String failure = null;
        String selection = "";
        try {
            api = loader.get();
            api.init();
        } catch (NvmlException e) {
            LOG.debug("NVML could not be initialised (the cause holds the loader's search path)", e);
            failure = "NVML is not usable here: " + e.getMessage();
            api = null;
        } catch (LinkageError e) {
            LOG.debug("JNA could not bind libnvidia-ml", e);
            failure = "NVML is not usable here: JNA could not bind libnvidia-ml.so.1 (" + e.getClass().getSimpleName()
                    + "); install the NVIDIA driver, or add its folder to LD_LIBRARY_PATH / jna.library.path";
            api = null;
        }
        this.nvml = api;
        if (api != null) {
            try {
                int count = api.deviceCount();
                List<String> uuids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    uuids.add(api.uuid(api.deviceByIndex(i)));
                }
                GpuSelection.Resolved resolved = options.gpus().resolve(uuids);
                selection = resolved.detail();
                if (resolved.nvmlIndices().isEmpty()) {
                    failure = "no GPU selected: " + resolved.detail() + " (NVML sees " + count + " GPU(s): " + uuids + ")";
                }
                for (int index : resolved.nvmlIndices()) {
                    Pointer h = api.deviceByIndex(index);
                    handles.add(h);
                    gpus.add(probe(api, h, index, uuids.get(index)));
                }
            } catch (NvmlException | IllegalArgumentException e) {
                failure = "cannot select the GPUs to measure: " + e.getMessage();
                handles.clear();
                gpus.clear();
            }
        }
        this.selectionDetail = selection;
        if (failure != null) {
            this.capability = SensorCapability.unavailable(failure);
            this.sampler = null;
            shutdownQuietly();
            LOG.debug("NVML power sensor unavailable: {}", failure);
            return;
        }
        EnergyQuality q = EnergyQuality.MEASURED;
        for (GpuPowerCapability g : gpus) {
            q = q.weakest(g.quality());
        }
        String detail = describe(q);
        this.capability = new SensorCapability(q, detail, gpus.stream().map(GpuPowerCapability::deviceId).toList());
        this.sampler = new PowerSampler(api, handles,
                gpus.stream().map(g -> PowerSampler.Source.valueOf(g.samplerSource())).toList(),
                gpus.stream().map(GpuPowerCapability::deviceId).toList(), time, options.timelineCapacity());
        sampler.sampleOnce();
        if (startSampler) {
            sampler.start(options.sampleInterval());
        }
        LOG.debug("NVML power sensor: {}", detail);
    }

    private String describe(EnergyQuality q) {
        StringBuilder b = new StringBuilder();
        b.append(q == EnergyQuality.MEASURED ? "NVML energy counter at window edges"
                : q == EnergyQuality.INTEGRATED ? "NVML power polled every " + options.sampleInterval().toMillis()
                + " ms and integrated (trapezoid) where a GPU has no energy counter"
                : "NVML cannot measure at least one selected GPU");
        b.append("; ").append(gpus.size()).append(" GPU(s) summed; ").append(selectionDetail);
        for (GpuPowerCapability g : gpus) {
            b.append("; ").append(g.describe());
        }
        return b.toString();
    }

    private static String why(RuntimeException e) {
        return e instanceof NvmlException ? ((NvmlException) e).error().nvmlName() : e.toString();
    }

    private static GpuPowerCapability probe(NvmlApi api, Pointer h, int index, String uuid) {
        String name;
        try {
            name = api.name(h);
        } catch (NvmlException e) {
            name = "unknown name";
        }
        String counter = "";
        try {
            api.totalEnergyMillijoules(h);
        } catch (NvmlException e) {
            counter = why(e);
        }
        String instant = "";
        String average = "";
        try {
            FieldValue[] v = api.fieldValues(h, NvmlApi.FI_DEV_POWER_INSTANT, NvmlApi.FI_DEV_POWER_AVERAGE);
            instant = v[0].ok() ? "" : v[0].error().nvmlName();
            average = v[1].ok() ? "" : v[1].error().nvmlName();
        } catch (NvmlException e) {
            instant = "nvmlDeviceGetFieldValues " + why(e);
            average = instant;
        }
        String usage = "";
        try {
            api.powerUsageMilliwatts(h);
        } catch (NvmlException e) {
            usage = why(e);
        }
        PowerSampler.Source source = instant.isEmpty() ? PowerSampler.Source.INSTANT_FIELD
                : usage.isEmpty() ? PowerSampler.Source.POWER_USAGE
                : average.isEmpty() ? PowerSampler.Source.AVERAGE_FIELD : PowerSampler.Source.NONE;
        EnergyQuality q = counter.isEmpty() ? EnergyQuality.MEASURED
                : source != PowerSampler.Source.NONE ? EnergyQuality.INTEGRATED : EnergyQuality.UNAVAILABLE;
        return new GpuPowerCapability(uuid, index, name, counter, instant, average, usage, source.name(), q);
    }

    @Override
    public String name() {
        return "nvml";
    }

    @Override
    public SensorCapability capability() {
        return capability;
    }

    /**
     * What the start-up probe found for each measured GPU.
     *
     * @return one entry per GPU (empty when unavailable)
     */
    public List<GpuPowerCapability> gpuCapabilities() {
        return List.copyOf(gpus);
    }

    /**
     * Opens an energy window now: reads every measured GPU's energy counter (back to back) and
     * takes a fresh power sample of each.
     *
     * @return the window; its reading is UNAVAILABLE with the reason when the sensor cannot measure
     */
    @Override
    public NvmlEnergyWindow open() {
        return new NvmlEnergyWindow(this);
    }

    /**
     * Mean power of the measured GPUs, summed, over {@code settle} (the caller keeps them idle),
     * from the same source as the windows (the counter where there is one). Blocks for
     * {@code settle}. Use at least 5 s: the counter changes every ~100 ms.
     *
     * @param settle how long to measure (&gt; 0)
     * @return watts, or NaN when unavailable (or interrupted)
     */
    @Override
    public double measureIdleWatts(Duration settle) {
        if (settle == null || settle.isNegative() || settle.isZero()) {
            throw new IllegalArgumentException("settle must be > 0, was " + settle);
        }
        if (!isAvailable()) {
            return Double.NaN;
        }
        NvmlEnergyWindow w = open();
        try {
            time.sleep(settle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.close();
            return Double.NaN;
        }
        EnergyReading r = w.end();
        double watts = r.isAvailable() ? r.averageWatts() : Double.NaN;
        lastIdleWatts = watts;
        return watts;
    }

    /**
     * The last {@link #measureIdleWatts} result.
     *
     * @return watts, or NaN when never measured
     */
    public double lastIdleWatts() {
        return lastIdleWatts;
    }

    /**
     * The driver and the measured GPUs now (clocks, limits, temperatures, throttle reasons...), to
     * attach to a run's result. Reads NVML (tens of calls): call it between runs, not per request.
     *
     * @return the facts; facts NVML cannot give are marked unavailable, never guessed
     */
    public NvmlFacts deviceFacts() {
        Map<String, String> sysMissing = new LinkedHashMap<>();
        if (!isAvailable()) {
            sysMissing.put("nvml", closed ? "sensor closed" : capability.detail());
            return new NvmlFacts(Instant.now(), "", "", "", List.of(), sysMissing);
        }
        String driver = text(nvml::driverVersion, "driverVersion", sysMissing);
        String version = text(nvml::nvmlVersion, "nvmlVersion", sysMissing);
        String cuda = text(() -> {
            int v = nvml.cudaDriverVersion();
            return v / 1000 + "." + (v % 1000) / 10;
        }, "cudaDriverVersion", sysMissing);
        List<GpuFacts> list = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            list.add(facts(handles.get(i), gpus.get(i)));
        }
        return new NvmlFacts(Instant.now(), driver, version, cuda, list, sysMissing);
    }

    private GpuFacts facts(Pointer h, GpuPowerCapability g) {
        Map<String, String> miss = new LinkedHashMap<>();
        String pci = text(() -> nvml.pciBusId(h), "pciBusId", miss);
        String arch = text(() -> architectureName(nvml.architecture(h)), "architecture", miss);
        MemoryInfo mem = value(() -> nvml.memoryInfo(h), "memory", miss);
        long enforced = number(() -> nvml.enforcedPowerLimitMilliwatts(h) & 0xffffffffL, "powerLimitEnforced", miss);
        long dflt = number(() -> nvml.defaultPowerLimitMilliwatts(h) & 0xffffffffL, "powerLimitDefault", miss);
        int[] minMax = value(() -> nvml.powerLimitConstraintsMilliwatts(h), "powerLimitConstraints", miss);
        int sm = integer(() -> nvml.clockMhz(h, NvmlApi.CLOCK_SM), "smClock", miss);
        int memClock = integer(() -> nvml.clockMhz(h, NvmlApi.CLOCK_MEM), "memoryClock", miss);
        int smMax = integer(() -> nvml.maxClockMhz(h, NvmlApi.CLOCK_SM), "smMaxClock", miss);
        int memMax = integer(() -> nvml.maxClockMhz(h, NvmlApi.CLOCK_MEM), "memoryMaxClock", miss);
        int[] util = value(() -> nvml.utilizationPercent(h), "utilization", miss);
        int temp = integer(() -> nvml.temperatureCelsius(h), "temperature", miss);
        int pstate = integer(() -> nvml.performanceState(h), "performanceState", miss);
        long reasons = number(() -> nvml.clocksEventReasons(h), "clocksEventReasons", miss);
        return new GpuFacts(g.nvmlIndex(), g.deviceId(), g.name(), pci, arch,
                mem == null ? -1 : mem.totalBytes(), mem == null ? -1 : mem.usedBytes(), enforced, dflt,
                minMax == null ? -1 : minMax[0] & 0xffffffffL, minMax == null ? -1 : minMax[1] & 0xffffffffL,
                sm, memClock, smMax, memMax, util == null ? -1 : util[0], util == null ? -1 : util[1], temp, pstate,
                reasons, miss);
    }

    private static <T> T value(Supplier<T> s, String key, Map<String, String> missing) {
        try {
            return s.get();
        } catch (NvmlException e) {
            missing.put(key, e.error().nvmlName() + ": " + e.error().meaning());
            return null;
        }
    }

    private static String text(Supplier<String> s, String key, Map<String, String> missing) {
        String v = value(s, key, missing);
        return v == null ? "" : v;
    }

    private static long number(Supplier<Long> s, String key, Map<String, String> missing) {
        Long v = value(s, key, missing);
        return v == null ? -1 : v;
    }

    private static int integer(java.util.function.IntSupplier s, String key, Map<String, String> missing) {
        Long v = value(() -> (long) s.getAsInt(), key, missing);
        return v == null ? -1 : v.intValue();
    }

    static String architectureName(int arch) {
        switch (arch) {
            case 2: return "Kepler";
            case 3: return "Maxwell";
            case 4: return "Pascal";
            case 5: return "Volta";
            case 6: return "Turing";
            case 7: return "Ampere";
            case 8: return "Ada";
            case 9: return "Hopper";
            case 10: return "Blackwell";
            case 11: return "Orin";
            default: return "unknown (" + Integer.toUnsignedString(arch) + ")";
        }
    }

    /**
     * The power timeline of every measured GPU (the last {@link NvmlSensorOptions#timelineCapacity()}
     * samples of each), ordered by time.
     *
     * @return a copy (empty when unavailable)
     */
    public List<PowerSample> powerTimeline() {
        if (sampler == null) {
            return List.of();
        }
        List<PowerSample> out = new ArrayList<>();
        for (int i = 0; i < gpus.size(); i++) {
            String id = gpus.get(i).deviceId();
            for (long[] s : sampler.timeline(i)) {
                out.add(new PowerSample(id, s[0], s[1]));
            }
        }
        out.sort(Comparator.comparingLong(PowerSample::timeNanos));
        return out;
    }

    /**
     * The sampling thread's cost per read and health.
     *
     * @return the stats (zeros when unavailable)
     */
    public SamplerStats samplerStats() {
        if (sampler == null) {
            return new SamplerStats("NONE", options.sampleInterval().toNanos(), 0, 0, 0, 0, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN);
        }
        PowerSampler.Stats s = sampler.stats();
        String sources = gpus.stream().map(GpuPowerCapability::samplerSource).distinct()
                .collect(Collectors.joining(","));
        return new SamplerStats(sources, options.sampleInterval().toNanos(), s.ticks(), s.missedTicks(), s.reads(),
                s.failedReads(), s.meanReadNanos() / 1000.0, s.maxReadNanos() / 1000.0,
                s.medianRecentReadNanos() < 0 ? Double.NaN : s.medianRecentReadNanos() / 1000.0,
                s.p99RecentReadNanos() < 0 ? Double.NaN : s.p99RecentReadNanos() / 1000.0);
    }

    /** Stops the sampling thread and shuts NVML down; idempotent. Open windows then end UNAVAILABLE. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (sampler != null) {
            sampler.close();
            shutdownQuietly();
        }
    }

    private void shutdownQuietly() {
        if (nvml == null) {
            return;
        }
        try {
            nvml.shutdown();
        } catch (NvmlException | LinkageError e) {
            LOG.debug("nvmlShutdown failed", e);
        }
    }

    // ---- for NvmlEnergyWindow ----

    boolean isAvailable() {
        return !closed && sampler != null && capability.quality() != EnergyQuality.UNAVAILABLE;
    }

    boolean isClosed() {
        return closed;
    }

    NvmlApi nvml() {
        return nvml;
    }

    TimeSource time() {
        return time;
    }

    List<Pointer> handles() {
        return handles;
    }

    List<GpuPowerCapability> gpus() {
        return gpus;
    }

    PowerSampler sampler() {
        return sampler;
    }
}
