package io.qmeter.nvml.internal;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * JNA direct mapping of the NVML functions every supported driver has (R450 and newer). The
 * versioned names are bound explicitly, since the unversioned ones are the old ABIs. Registered
 * once per JVM by {@link JnaNvml#load()}; never call it before that. Out-parameters are
 * primitive arrays of length 1 (JNA copies them back), handles are {@link Pointer}s.
 */
final class NvmlNative {

    private NvmlNative() {
    }

    static native int nvmlInit_v2();

    static native int nvmlShutdown();

    static native String nvmlErrorString(int result);

    static native int nvmlSystemGetDriverVersion(byte[] version, int length);

    static native int nvmlSystemGetNVMLVersion(byte[] version, int length);

    static native int nvmlDeviceGetCount_v2(int[] deviceCount);

    static native int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    static native int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    static native int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    static native int nvmlDeviceGetPciInfo_v3(Pointer device, Pointer pciInfo);

    static native int nvmlDeviceGetMemoryInfo(Pointer device, long[] totalFreeUsed);

    static native int nvmlDeviceGetEnforcedPowerLimit(Pointer device, int[] limitMilliwatts);

    static native int nvmlDeviceGetPowerManagementDefaultLimit(Pointer device, int[] limitMilliwatts);

    static native int nvmlDeviceGetPowerManagementLimitConstraints(Pointer device, int[] minMilliwatts,
                                                                   int[] maxMilliwatts);

    static native int nvmlDeviceGetClockInfo(Pointer device, int clockType, int[] mhz);

    static native int nvmlDeviceGetMaxClockInfo(Pointer device, int clockType, int[] mhz);

    static native int nvmlDeviceGetUtilizationRates(Pointer device, int[] gpuAndMemoryPercent);

    static native int nvmlDeviceGetTemperature(Pointer device, int sensorType, int[] celsius);

    static native int nvmlDeviceGetPerformanceState(Pointer device, int[] pState);

    static native int nvmlDeviceGetTotalEnergyConsumption(Pointer device, long[] millijoules);

    static native int nvmlDeviceGetPowerUsage(Pointer device, int[] milliwatts);

    static native int nvmlDeviceGetFieldValues(Pointer device, int valuesCount, Pointer values);
}
