package io.qmeter.nvml.internal;

import com.sun.jna.Pointer;
import io.qmeter.nvml.NvmlException;

/**
 * The slice of NVML qMeter uses, as plain Java: every method returns the value or throws
 * {@link NvmlException} with the call's return code. {@link JnaNvml} implements it over the real
 * library; the tests implement it with a fake. Device handles are the opaque {@code nvmlDevice_t}
 * pointers NVML hands out. Implementations are thread-safe (NVML is).
 *
 * <pre>{@code
 * NvmlApi nvml = JnaNvml.load();
 * nvml.init();
 * Pointer gpu = nvml.deviceByIndex(0);
 * long mJ = nvml.totalEnergyMillijoules(gpu);
 * }</pre>
 */
public interface NvmlApi {

    /** nvmlValueType_t: double. */
    int VALUE_TYPE_DOUBLE = 0;
    /** nvmlValueType_t: unsigned int. */
    int VALUE_TYPE_UNSIGNED_INT = 1;
    /** nvmlValueType_t: unsigned long (64-bit on LP64 Linux). */
    int VALUE_TYPE_UNSIGNED_LONG = 2;
    /** nvmlValueType_t: unsigned long long. */
    int VALUE_TYPE_UNSIGNED_LONG_LONG = 3;
    /** nvmlValueType_t: signed long long. */
    int VALUE_TYPE_SIGNED_LONG_LONG = 4;
    /** nvmlValueType_t: signed int. */
    int VALUE_TYPE_SIGNED_INT = 5;
    /** nvmlValueType_t: unsigned short. */
    int VALUE_TYPE_UNSIGNED_SHORT = 6;

    /** NVML_FI_DEV_POWER_AVERAGE: power averaged over 1 s, mW (Ampere, except GA100, and newer). */
    int FI_DEV_POWER_AVERAGE = 185;
    /** NVML_FI_DEV_POWER_INSTANT: current power, mW. */
    int FI_DEV_POWER_INSTANT = 186;
    /** NVML_FI_DEV_ENERGY: total energy since the driver loaded, mJ (recent drivers). */
    int FI_DEV_ENERGY = 191;

    /** nvmlClockType_t NVML_CLOCK_GRAPHICS. */
    int CLOCK_GRAPHICS = 0;
    /** nvmlClockType_t NVML_CLOCK_SM. */
    int CLOCK_SM = 1;
    /** nvmlClockType_t NVML_CLOCK_MEM. */
    int CLOCK_MEM = 2;

    /** nvmlReturn_t NVML_SUCCESS. */
    int SUCCESS = 0;

    /**
     * nvmlInit_v2.
     */
    void init();

    /** nvmlShutdown. */
    void shutdown();

    /**
     * nvmlSystemGetDriverVersion.
     *
     * @return for example "550.54.15"
     */
    String driverVersion();

    /**
     * nvmlSystemGetNVMLVersion.
     *
     * @return for example "12.550.54.15"
     */
    String nvmlVersion();

    /**
     * nvmlSystemGetCudaDriverVersion_v2.
     *
     * @return for example 12040 for CUDA 12.4
     */
    int cudaDriverVersion();

    /**
     * nvmlDeviceGetCount_v2.
     *
     * @return the number of GPUs NVML sees
     */
    int deviceCount();

    /**
     * nvmlDeviceGetHandleByIndex_v2.
     *
     * @param index NVML index (PCI bus order)
     * @return the handle
     */
    Pointer deviceByIndex(int index);

    /**
     * nvmlDeviceGetName.
     *
     * @param device handle
     * @return for example "NVIDIA H100 80GB HBM3"
     */
    String name(Pointer device);

    /**
     * nvmlDeviceGetUUID.
     *
     * @param device handle
     * @return for example "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6"
     */
    String uuid(Pointer device);

    /**
     * nvmlDeviceGetPciInfo_v3, the busId field.
     *
     * @param device handle
     * @return for example "00000000:18:00.0"
     */
    String pciBusId(Pointer device);

    /**
     * nvmlDeviceGetArchitecture.
     *
     * @param device handle
     * @return nvmlDeviceArchitecture_t (9 = Hopper)
     */
    int architecture(Pointer device);

    /**
     * nvmlDeviceGetMemoryInfo.
     *
     * @param device handle
     * @return total, free and used bytes
     */
    MemoryInfo memoryInfo(Pointer device);

    /**
     * nvmlDeviceGetEnforcedPowerLimit.
     *
     * @param device handle
     * @return mW
     */
    int enforcedPowerLimitMilliwatts(Pointer device);

    /**
     * nvmlDeviceGetPowerManagementDefaultLimit.
     *
     * @param device handle
     * @return mW
     */
    int defaultPowerLimitMilliwatts(Pointer device);

    /**
     * nvmlDeviceGetPowerManagementLimitConstraints.
     *
     * @param device handle
     * @return {min, max} in mW
     */
    int[] powerLimitConstraintsMilliwatts(Pointer device);

    /**
     * nvmlDeviceGetClockInfo.
     *
     * @param device    handle
     * @param clockType {@link #CLOCK_SM} or {@link #CLOCK_MEM}
     * @return MHz
     */
    int clockMhz(Pointer device, int clockType);

    /**
     * nvmlDeviceGetMaxClockInfo.
     *
     * @param device    handle
     * @param clockType {@link #CLOCK_SM} or {@link #CLOCK_MEM}
     * @return MHz
     */
    int maxClockMhz(Pointer device, int clockType);

    /**
     * nvmlDeviceGetUtilizationRates.
     *
     * @param device handle
     * @return {gpu %, memory %}
     */
    int[] utilizationPercent(Pointer device);

    /**
     * nvmlDeviceGetTemperature (NVML_TEMPERATURE_GPU).
     *
     * @param device handle
     * @return degrees Celsius
     */
    int temperatureCelsius(Pointer device);

    /**
     * nvmlDeviceGetPerformanceState.
     *
     * @param device handle
     * @return 0 (P0, fastest) to 15, 32 unknown
     */
    int performanceState(Pointer device);

    /**
     * nvmlDeviceGetCurrentClocksEventReasons, falling back to the older
     * nvmlDeviceGetCurrentClocksThrottleReasons.
     *
     * @param device handle
     * @return bit mask of nvmlClocksEventReason*
     */
    long clocksEventReasons(Pointer device);

    /**
     * nvmlDeviceGetTotalEnergyConsumption: mJ since the driver was loaded (Volta and newer).
     * Costly (milliseconds a call on an H100): read it only at window edges.
     *
     * @param device handle
     * @return mJ, an unsigned 64-bit counter
     */
    long totalEnergyMillijoules(Pointer device);

    /**
     * nvmlDeviceGetPowerUsage: mW (a 1-second average on Ampere and newer).
     *
     * @param device handle
     * @return mW
     */
    int powerUsageMilliwatts(Pointer device);

    /**
     * nvmlDeviceGetFieldValues. The call's own failure throws; each field carries its own return
     * code, which the caller must check.
     *
     * @param device   handle
     * @param fieldIds NVML_FI_* ids (scope 0)
     * @return one value per id, in order
     */
    FieldValue[] fieldValues(Pointer device, int... fieldIds);
}
