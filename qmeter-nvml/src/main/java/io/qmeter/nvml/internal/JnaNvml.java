package io.qmeter.nvml.internal;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.qmeter.nvml.NvmlError;
import io.qmeter.nvml.NvmlException;
import java.nio.charset.StandardCharsets;

/**
 * {@link NvmlApi} over the real {@code libnvidia-ml} through JNA.
 *
 * <p>Why direct mapping ({@code Native.register} on {@link NvmlNative}) rather than an interface
 * proxy: the sampler calls NVML 100 times a second per GPU, and direct mapping skips the proxy's
 * reflection and argument boxing (a few µs a call, comparable to the 5 µs NVML itself takes for a
 * power field). Functions that older drivers lack ({@code nvmlDeviceGetArchitecture},
 * {@code nvmlDeviceGetCurrentClocksEventReasons}, {@code nvmlSystemGetCudaDriverVersion_v2}) are
 * looked up lazily as {@link Function}s, so a missing one becomes
 * {@link NvmlError#FUNCTION_NOT_FOUND} for that fact only, never a failed load.
 *
 * <p>The library is found as {@code nvidia-ml} (JNA's search, which also matches
 * {@code libnvidia-ml.so.1}), falling back to the soname {@code libnvidia-ml.so.1} through the
 * dynamic loader. The field-value struct is read from raw memory at the offsets documented on
 * {@link FieldValue}; each thread reuses its own buffer, so a sample allocates almost nothing.
 *
 * <pre>{@code
 * NvmlApi nvml = JnaNvml.load();   // throws NvmlException(LIBRARY_NOT_FOUND) without a driver
 * nvml.init();
 * }</pre>
 */
public final class JnaNvml implements NvmlApi {

    private static final int STRING_BUFFER = 96;
    private static final int PCI_INFO_BYTES = 128; // nvmlPciInfo_t v3 is 68 bytes; room to spare
    private static final int PCI_BUS_ID_OFFSET = 36; // busIdLegacy[16] + 5 unsigned ints
    private static final int MAX_FIELDS = 16;

    private static volatile JnaNvml instance;

    private final NativeLibrary library;
    private final String libraryName;
    private final ThreadLocal<Memory> fieldBuffer =
            ThreadLocal.withInitial(() -> new Memory((long) FieldValue.SIZE * MAX_FIELDS));

    private JnaNvml(NativeLibrary library, String libraryName) {
        this.library = library;
        this.libraryName = libraryName;
    }

    /**
     * Loads NVML and binds it (once per JVM).
     *
     * @return the binding
     * @throws NvmlException with {@link NvmlError#LIBRARY_NOT_FOUND} when no NVIDIA library can
     *                       be loaded, or {@link NvmlError#FUNCTION_NOT_FOUND} when it is too old
     */
    public static JnaNvml load() {
        JnaNvml local = instance;
        if (local != null) {
            return local;
        }
        synchronized (JnaNvml.class) {
            if (instance == null) {
                instance = doLoad();
            }
            return instance;
        }
    }

    private static JnaNvml doLoad() {
        NativeLibrary lib;
        String name;
        try {
            lib = NativeLibrary.getInstance("nvidia-ml");
            name = "nvidia-ml";
        } catch (UnsatisfiedLinkError first) {
            try {
                lib = NativeLibrary.getInstance("libnvidia-ml.so.1");
                name = "libnvidia-ml.so.1";
            } catch (UnsatisfiedLinkError second) {
                second.addSuppressed(first);
                throw new NvmlException("dlopen(nvidia-ml, libnvidia-ml.so.1)", "",
                        NvmlError.LIBRARY_NOT_FOUND.code(), second);
            }
        } catch (NoClassDefFoundError | ExceptionInInitializerError noJna) {
            throw new NvmlException("JNA native dispatch", "", NvmlError.LIBRARY_NOT_FOUND.code(), noJna);
        }
        try {
            Native.register(NvmlNative.class, lib);
        } catch (UnsatisfiedLinkError | IllegalArgumentException tooOld) {
            throw new NvmlException("Native.register(" + lib.getFile() + ")", "",
                    NvmlError.FUNCTION_NOT_FOUND.code(), tooOld);
        }
        return new JnaNvml(lib, name + " (" + lib.getFile() + ")");
    }

    /**
     * Which library was loaded.
     *
     * @return the name asked for and the file found
     */
    public String libraryName() {
        return libraryName;
    }

    private static void check(int rc, String function, Object target) {
        if (rc != SUCCESS) {
            throw new NvmlException(function, target == null ? "" : String.valueOf(target), rc);
        }
    }

    private static String cString(byte[] buffer) {
        int n = 0;
        while (n < buffer.length && buffer[n] != 0) {
            n++;
        }
        return new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    private Function optional(String name) {
        try {
            return library.getFunction(name);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    @Override
    public void init() {
        check(NvmlNative.nvmlInit_v2(), "nvmlInit_v2", null);
    }

    @Override
    public void shutdown() {
        check(NvmlNative.nvmlShutdown(), "nvmlShutdown", null);
    }

    @Override
    public String driverVersion() {
        byte[] b = new byte[STRING_BUFFER];
        check(NvmlNative.nvmlSystemGetDriverVersion(b, b.length), "nvmlSystemGetDriverVersion", null);
        return cString(b);
    }

    @Override
    public String nvmlVersion() {
        byte[] b = new byte[STRING_BUFFER];
        check(NvmlNative.nvmlSystemGetNVMLVersion(b, b.length), "nvmlSystemGetNVMLVersion", null);
        return cString(b);
    }

    @Override
    public int cudaDriverVersion() {
        Function f = optional("nvmlSystemGetCudaDriverVersion_v2");
        if (f == null) {
            throw new NvmlException("nvmlSystemGetCudaDriverVersion_v2", "", NvmlError.FUNCTION_NOT_FOUND.code());
        }
        int[] v = new int[1];
        check(f.invokeInt(new Object[] {v}), "nvmlSystemGetCudaDriverVersion_v2", null);
        return v[0];
    }

    @Override
    public int deviceCount() {
        int[] n = new int[1];
        check(NvmlNative.nvmlDeviceGetCount_v2(n), "nvmlDeviceGetCount_v2", null);
        return n[0];
    }

    @Override
    public Pointer deviceByIndex(int index) {
        PointerByReference ref = new PointerByReference();
        check(NvmlNative.nvmlDeviceGetHandleByIndex_v2(index, ref), "nvmlDeviceGetHandleByIndex_v2", "index " + index);
        return ref.getValue();
    }

    @Override
    public String name(Pointer device) {
        byte[] b = new byte[STRING_BUFFER];
        check(NvmlNative.nvmlDeviceGetName(device, b, b.length), "nvmlDeviceGetName", device);
        return cString(b);
    }

    @Override
    public String uuid(Pointer device) {
        byte[] b = new byte[STRING_BUFFER];
        check(NvmlNative.nvmlDeviceGetUUID(device, b, b.length), "nvmlDeviceGetUUID", device);
        return cString(b);
    }

    @Override
    public String pciBusId(Pointer device) {
        Memory m = new Memory(PCI_INFO_BYTES);
        m.clear();
        check(NvmlNative.nvmlDeviceGetPciInfo_v3(device, m), "nvmlDeviceGetPciInfo_v3", device);
        return m.getString(PCI_BUS_ID_OFFSET, "US-ASCII");
    }

    @Override
    public int architecture(Pointer device) {
        Function f = optional("nvmlDeviceGetArchitecture");
        if (f == null) {
            throw new NvmlException("nvmlDeviceGetArchitecture", String.valueOf(device),
                    NvmlError.FUNCTION_NOT_FOUND.code());
        }
        int[] a = new int[1];
        check(f.invokeInt(new Object[] {device, a}), "nvmlDeviceGetArchitecture", device);
        return a[0];
    }

    @Override
    public MemoryInfo memoryInfo(Pointer device) {
        long[] m = new long[3];
        check(NvmlNative.nvmlDeviceGetMemoryInfo(device, m), "nvmlDeviceGetMemoryInfo", device);
        return new MemoryInfo(m[0], m[1], m[2]);
    }

    @Override
    public int enforcedPowerLimitMilliwatts(Pointer device) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetEnforcedPowerLimit(device, v), "nvmlDeviceGetEnforcedPowerLimit", device);
        return v[0];
    }

    @Override
    public int defaultPowerLimitMilliwatts(Pointer device) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetPowerManagementDefaultLimit(device, v),
                "nvmlDeviceGetPowerManagementDefaultLimit", device);
        return v[0];
    }

    @Override
    public int[] powerLimitConstraintsMilliwatts(Pointer device) {
        int[] min = new int[1];
        int[] max = new int[1];
        check(NvmlNative.nvmlDeviceGetPowerManagementLimitConstraints(device, min, max),
                "nvmlDeviceGetPowerManagementLimitConstraints", device);
        return new int[] {min[0], max[0]};
    }

    @Override
    public int clockMhz(Pointer device, int clockType) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetClockInfo(device, clockType, v), "nvmlDeviceGetClockInfo", device);
        return v[0];
    }

    @Override
    public int maxClockMhz(Pointer device, int clockType) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetMaxClockInfo(device, clockType, v), "nvmlDeviceGetMaxClockInfo", device);
        return v[0];
    }

    @Override
    public int[] utilizationPercent(Pointer device) {
        int[] v = new int[2];
        check(NvmlNative.nvmlDeviceGetUtilizationRates(device, v), "nvmlDeviceGetUtilizationRates", device);
        return v;
    }

    @Override
    public int temperatureCelsius(Pointer device) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetTemperature(device, 0, v), "nvmlDeviceGetTemperature", device);
        return v[0];
    }

    @Override
    public int performanceState(Pointer device) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetPerformanceState(device, v), "nvmlDeviceGetPerformanceState", device);
        return v[0];
    }

    @Override
    public long clocksEventReasons(Pointer device) {
        String name = "nvmlDeviceGetCurrentClocksEventReasons";
        Function f = optional(name);
        if (f == null) {
            name = "nvmlDeviceGetCurrentClocksThrottleReasons";
            f = optional(name);
        }
        if (f == null) {
            throw new NvmlException("nvmlDeviceGetCurrentClocksEventReasons", String.valueOf(device),
                    NvmlError.FUNCTION_NOT_FOUND.code());
        }
        long[] v = new long[1];
        check(f.invokeInt(new Object[] {device, v}), name, device);
        return v[0];
    }

    @Override
    public long totalEnergyMillijoules(Pointer device) {
        long[] v = new long[1];
        check(NvmlNative.nvmlDeviceGetTotalEnergyConsumption(device, v), "nvmlDeviceGetTotalEnergyConsumption", device);
        return v[0];
    }

    @Override
    public int powerUsageMilliwatts(Pointer device) {
        int[] v = new int[1];
        check(NvmlNative.nvmlDeviceGetPowerUsage(device, v), "nvmlDeviceGetPowerUsage", device);
        return v[0];
    }

    @Override
    public FieldValue[] fieldValues(Pointer device, int... fieldIds) {
        if (fieldIds.length == 0 || fieldIds.length > MAX_FIELDS) {
            throw new IllegalArgumentException("fieldIds must hold 1 to " + MAX_FIELDS + " ids, was " + fieldIds.length);
        }
        Memory m = fieldBuffer.get();
        m.clear((long) FieldValue.SIZE * fieldIds.length);
        for (int i = 0; i < fieldIds.length; i++) {
            m.setInt((long) i * FieldValue.SIZE + FieldValue.OFFSET_FIELD_ID, fieldIds[i]);
        }
        check(NvmlNative.nvmlDeviceGetFieldValues(device, fieldIds.length, m), "nvmlDeviceGetFieldValues", device);
        FieldValue[] out = new FieldValue[fieldIds.length];
        for (int i = 0; i < fieldIds.length; i++) {
            out[i] = decode(m, (long) i * FieldValue.SIZE);
        }
        return out;
    }

    /**
     * Decodes one nvmlFieldValue_t from native memory.
     *
     * @param m    the memory
     * @param base offset of the struct
     * @return the value
     */
    static FieldValue decode(Pointer m, long base) {
        int type = m.getInt(base + FieldValue.OFFSET_VALUE_TYPE);
        long v = base + FieldValue.OFFSET_VALUE;
        long bits;
        switch (type) {
            case VALUE_TYPE_DOUBLE:
                bits = Double.doubleToRawLongBits(m.getDouble(v));
                break;
            case VALUE_TYPE_UNSIGNED_INT:
                bits = m.getInt(v) & 0xffffffffL;
                break;
            case VALUE_TYPE_SIGNED_INT:
                bits = m.getInt(v);
                break;
            case VALUE_TYPE_UNSIGNED_SHORT:
                bits = m.getShort(v) & 0xffffL;
                break;
            default: // unsigned long (LP64), unsigned long long, signed long long
                bits = m.getLong(v);
                break;
        }
        return new FieldValue(m.getInt(base + FieldValue.OFFSET_FIELD_ID), m.getInt(base + FieldValue.OFFSET_SCOPE_ID),
                m.getLong(base + FieldValue.OFFSET_TIMESTAMP), m.getLong(base + FieldValue.OFFSET_LATENCY), type,
                m.getInt(base + FieldValue.OFFSET_RETURN), bits);
    }
}
