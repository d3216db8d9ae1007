package io.qmeter.nvml;

import com.sun.jna.Pointer;
import io.qmeter.nvml.internal.FieldValue;
import io.qmeter.nvml.internal.MemoryInfo;
import io.qmeter.nvml.internal.NvmlApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A fake NVML behind the same {@link NvmlApi} the JNA binding implements: GPUs with a settable,
 * piecewise-constant power, an exact energy counter (optionally updated only every 100 ms, like an
 * H100's), counter resets, and any return code on any call or field.
 */
final class FakeNvml implements NvmlApi {

    /** One fake GPU. All fields are guarded by the FakeNvml's lock. */
    static final class Gpu {
        final int index;
        final String uuid;
        final Pointer handle;
        String name = "Fake H100";
        long powerMilliwatts = 100_000;
        double energyMillijoules;      // energy up to lastChange
        long lastChangeNanos;
        double counterBaseMillijoules; // subtracted from the energy: a reset sets it to the energy so far
        long counterOffsetMillijoules = 1_000_000_000L; // counters start far from 0, like a real one
        final Map<String, Integer> errors = new HashMap<>(); // function name (or "field186") -> return code

        Gpu(int index, String uuid) {
            this.index = index;
            this.uuid = uuid;
            this.handle = new Pointer(0x1000L + index);
        }
    }

    final List<Gpu> gpus = new ArrayList<>();
    final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    final Map<String, Integer> systemErrors = new HashMap<>(); // "init", "deviceCount", "driverVersion"...
    private final LongSupplier clock;
    long counterPeriodNanos; // 0: exact counter; 100 ms: H100-like steps
    int inits;
    int shutdowns;

    FakeNvml(LongSupplier clock, String... uuids) {
        this.clock = clock;
        for (int i = 0; i < uuids.length; i++) {
            Gpu g = new Gpu(i, uuids[i]);
            g.lastChangeNanos = clock.getAsLong();
            gpus.add(g);
        }
    }

    synchronized Gpu gpu(int index) {
        return gpus.get(index);
    }

    /** Sets a GPU's power from now on. */
    synchronized void setPower(int index, double watts) {
        Gpu g = gpus.get(index);
        long now = clock.getAsLong();
        g.energyMillijoules += g.powerMilliwatts * ((now - g.lastChangeNanos) / 1e9);
        g.lastChangeNanos = now;
        g.powerMilliwatts = Math.round(watts * 1000);
    }

    /** The exact energy a GPU used so far, in joules. */
    synchronized double trueJoules(int index) {
        Gpu g = gpus.get(index);
        return (g.energyMillijoules + g.powerMilliwatts * ((clock.getAsLong() - g.lastChangeNanos) / 1e9)) / 1000.0;
    }

    /** Makes the GPU's energy counter restart from zero now (a driver reload or GPU reset). */
    synchronized void resetCounter(int index) {
        Gpu g = gpus.get(index);
        g.counterBaseMillijoules = trueJoules(index) * 1000.0;
        g.counterOffsetMillijoules = 0;
    }

    /** Makes a call (or "field186", "field185") on one GPU return {@code code}; 0 clears it. */
    synchronized void fail(int index, String function, int code) {
        if (code == 0) {
            gpus.get(index).errors.remove(function);
        } else {
            gpus.get(index).errors.put(function, code);
        }
    }

    long calls(String function) {
        AtomicLong c = calls.get(function);
        return c == null ? 0 : c.get();
    }

    private synchronized Gpu device(String function, Pointer handle) {
        calls.computeIfAbsent(function, k -> new AtomicLong()).incrementAndGet();
        for (Gpu g : gpus) {
            if (g.handle.equals(handle)) {
                Integer code = g.errors.get(function);
                if (code != null) {
                    throw new NvmlException(function, g.uuid, code);
                }
                return g;
            }
        }
        throw new NvmlException(function, String.valueOf(handle), NvmlError.INVALID_ARGUMENT.code());
    }

    private synchronized void system(String function) {
        calls.computeIfAbsent(function, k -> new AtomicLong()).incrementAndGet();
        Integer code = systemErrors.get(function);
        if (code != null) {
            throw new NvmlException(function, "", code);
        }
    }

    @Override
    public synchronized void init() {
        system("nvmlInit_v2");
        inits++;
    }

    @Override
    public synchronized void shutdown() {
        system("nvmlShutdown");
        shutdowns++;
    }

    @Override
    public String driverVersion() {
        system("nvmlSystemGetDriverVersion");
        return "550.54.15";
    }

    @Override
    public String nvmlVersion() {
        system("nvmlSystemGetNVMLVersion");
        return "12.550.54.15";
    }

    @Override
    public int cudaDriverVersion() {
        system("nvmlSystemGetCudaDriverVersion_v2");
        return 12040;
    }

    @Override
    public synchronized int deviceCount() {
        system("nvmlDeviceGetCount_v2");
        return gpus.size();
    }

    @Override
    public synchronized Pointer deviceByIndex(int index) {
        system("nvmlDeviceGetHandleByIndex_v2");
        if (index < 0 || index >= gpus.size()) {
            throw new NvmlException("nvmlDeviceGetHandleByIndex_v2", "index " + index, NvmlError.INVALID_ARGUMENT.code());
        }
        return gpus.get(index).handle;
    }

    @Override
    public String name(Pointer d) {
        return device("nvmlDeviceGetName", d).name;
    }

    @Override
    public String uuid(Pointer d) {
        return device("nvmlDeviceGetUUID", d).uuid;
    }

    @Override
    public String pciBusId(Pointer d) {
        return String.format("00000000:%02X:00.0", 0x18 + device("nvmlDeviceGetPciInfo_v3", d).index);
    }

    @Override
    public int architecture(Pointer d) {
        device("nvmlDeviceGetArchitecture", d);
        return 9;
    }

    @Override
    public MemoryInfo memoryInfo(Pointer d) {
        device("nvmlDeviceGetMemoryInfo", d);
        return new MemoryInfo(85_520_809_984L, 84_000_000_000L, 1_520_809_984L);
    }

    @Override
    public int enforcedPowerLimitMilliwatts(Pointer d) {
        device("nvmlDeviceGetEnforcedPowerLimit", d);
        return 700_000;
    }

    @Override
    public int defaultPowerLimitMilliwatts(Pointer d) {
        device("nvmlDeviceGetPowerManagementDefaultLimit", d);
        return 700_000;
    }

    @Override
    public int[] powerLimitConstraintsMilliwatts(Pointer d) {
        device("nvmlDeviceGetPowerManagementLimitConstraints", d);
        return new int[] {200_000, 700_000};
    }

    @Override
    public int clockMhz(Pointer d, int clockType) {
        device("nvmlDeviceGetClockInfo", d);
        return clockType == CLOCK_SM ? 1980 : 2619;
    }

    @Override
    public int maxClockMhz(Pointer d, int clockType) {
        device("nvmlDeviceGetMaxClockInfo", d);
        return clockType == CLOCK_SM ? 1980 : 2619;
    }

    @Override
    public int[] utilizationPercent(Pointer d) {
        device("nvmlDeviceGetUtilizationRates", d);
        return new int[] {97, 40};
    }

    @Override
    public int temperatureCelsius(Pointer d) {
        device("nvmlDeviceGetTemperature", d);
        return 55;
    }

    @Override
    public int performanceState(Pointer d) {
        device("nvmlDeviceGetPerformanceState", d);
        return 0;
    }

    @Override
    public long clocksEventReasons(Pointer d) {
        device("nvmlDeviceGetCurrentClocksEventReasons", d);
        return 0x4; // SwPowerCap
    }

    @Override
    public long totalEnergyMillijoules(Pointer d) {
        Gpu g = device("nvmlDeviceGetTotalEnergyConsumption", d);
        synchronized (this) {
            long now = clock.getAsLong();
            long at = counterPeriodNanos > 0 ? now - Math.floorMod(now, counterPeriodNanos) : now;
            double e = g.energyMillijoules + g.powerMilliwatts * ((Math.max(at, g.lastChangeNanos) - g.lastChangeNanos) / 1e9);
            return g.counterOffsetMillijoules + (long) Math.floor(e - g.counterBaseMillijoules);
        }
    }

    @Override
    public int powerUsageMilliwatts(Pointer d) {
        Gpu g = device("nvmlDeviceGetPowerUsage", d);
        synchronized (this) {
            return (int) g.powerMilliwatts;
        }
    }

    @Override
    public FieldValue[] fieldValues(Pointer d, int... fieldIds) {
        Gpu g = device("nvmlDeviceGetFieldValues", d);
        FieldValue[] out = new FieldValue[fieldIds.length];
        synchronized (this) {
            for (int i = 0; i < fieldIds.length; i++) {
                int id = fieldIds[i];
                Integer code = g.errors.get("field" + id);
                if (code != null) {
                    out[i] = FieldValue.failed(id, code);
                } else if (id == FI_DEV_POWER_INSTANT || id == FI_DEV_POWER_AVERAGE) {
                    out[i] = FieldValue.ofUnsignedInt(id, g.powerMilliwatts);
                } else {
                    out[i] = FieldValue.failed(id, NvmlError.NOT_SUPPORTED.code());
                }
            }
        }
        return out;
    }
}
