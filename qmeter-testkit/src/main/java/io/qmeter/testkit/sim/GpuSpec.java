package io.qmeter.testkit.sim;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One GPU of the simulated engine's hardware table: dense tensor-core peaks, memory, bandwidth,
 * power and the interconnect used for tensor-parallel all-reduce.
 *
 * <p>All peaks are <b>dense</b> (datasheets print INT8/FP8/FP16 tensor figures "with sparsity",
 * twice the dense figure; the seed paper's Table 3 quotes the sparse ones). A GPU without FP8
 * tensor cores has {@code fp8DenseFlops == 0}; methods that need FP8 fail on it (see
 * {@link SimConfig}).
 *
 * <pre>{@code
 * GpuSpec h100 = GpuSpec.byName("H100-80GB");
 * double tflops = h100.fp16DenseFlops() / 1e12;   // 989.4
 * }</pre>
 *
 * @param name                       table name, for example {@code "H100-80GB"}
 * @param fp16DenseFlops             dense FP16/BF16 tensor-core peak, FLOP/s
 * @param int8DenseOps               dense INT8 tensor-core peak, OP/s
 * @param fp8DenseFlops              dense FP8 tensor-core peak, FLOP/s; 0 when the GPU has none
 * @param memoryBandwidthBytesPerSec HBM/GDDR peak bandwidth, bytes/s
 * @param memoryBytes                device memory as the driver reports it, bytes
 * @param tdpWatts                   board power limit (TDP), watts
 * @param idleWatts                  power while idle with a model loaded, watts
 * @param linkBytesPerSec            GPU-to-GPU bandwidth for all-reduce, one direction, bytes/s
 * @param linkLatencyNanos           fixed cost of one small all-reduce, nanoseconds
 */
public record GpuSpec(String name, double fp16DenseFlops, double int8DenseOps, double fp8DenseFlops,
                      double memoryBandwidthBytesPerSec, long memoryBytes, double tdpWatts, double idleWatts,
                      double linkBytesPerSec, long linkLatencyNanos) {

    private static final long MIB = 1024L * 1024L;

    /**
     * NVIDIA A100 SXM4 40 GB. Source: NVIDIA A100 datasheet (2020): FP16 tensor 312 TFLOPS dense
     * (624 sparse, as in the seed paper's Table 3), INT8 624 TOPS dense (1248 sparse), no FP8,
     * HBM2 1555 GB/s (paper rounds to 1.6 TB/s), 400 W; nvidia-smi reports 40960 MiB. NVLink3
     * 600 GB/s bidirectional = 300 GB/s per direction. Idle ≈ 50 W (typical nvidia-smi reading
     * of an idle SXM4 board with a model resident).
     */
    public static final GpuSpec A100_40GB = new GpuSpec("A100-40GB", 312e12, 624e12, 0,
            1555e9, 40960 * MIB, 400, 50, 300e9, 8_000);

    /**
     * NVIDIA H100 SXM5 80 GB. Source: NVIDIA H100 datasheet (2023): FP16/BF16 tensor 989.4
     * TFLOPS dense (1979 sparse, paper Table 3), INT8 1979 TOPS dense, FP8 1979 TFLOPS dense,
     * HBM3 3.35 TB/s, 700 W; nvidia-smi reports 81559 MiB. NVLink4 900 GB/s bidirectional =
     * 450 GB/s per direction. Idle 70 W from /work/shared/calibration/h100-llamacpp-7b.md.
     */
    public static final GpuSpec H100_80GB = new GpuSpec("H100-80GB", 989.4e12, 1979e12, 1979e12,
            3.35e12, 81559 * MIB, 700, 70, 450e9, 6_000);

    /**
     * NVIDIA H200 SXM 141 GB. Source: NVIDIA H200 datasheet (2024): same Hopper compute as H100
     * SXM (989 FP16 / 1979 INT8 / 1979 FP8 TFLOPS dense), HBM3e 4.8 TB/s, 141 GB (nvidia-smi
     * 143771 MiB), 700 W, NVLink4 450 GB/s per direction. Idle ≈ 75 W (more HBM stacks than H100).
     */
    public static final GpuSpec H200_141GB = new GpuSpec("H200-141GB", 989.4e12, 1979e12, 1979e12,
            4.8e12, 143771 * MIB, 700, 75, 450e9, 6_000);

    /**
     * NVIDIA L40S 48 GB (Ada, PCIe). Source: NVIDIA L40S datasheet (2023): FP16 tensor 362 TFLOPS
     * dense (733 sparse), INT8 733 TOPS dense, FP8 733 TFLOPS dense, GDDR6 864 GB/s, 350 W;
     * nvidia-smi 46068 MiB. No NVLink: all-reduce crosses PCIe Gen4 x16, 32 GB/s per direction,
     * with a higher latency (≈ 15 µs). Idle ≈ 35 W.
     */
    public static final GpuSpec L40S_48GB = new GpuSpec("L40S-48GB", 362e12, 733e12, 733e12,
            864e9, 46068 * MIB, 350, 35, 32e9, 15_000);

    private static final List<GpuSpec> KNOWN = List.of(A100_40GB, H100_80GB, H200_141GB, L40S_48GB);

    /** Validates the figures. */
    public GpuSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + name);
        }
        requirePositive("fp16DenseFlops", fp16DenseFlops);
        requirePositive("int8DenseOps", int8DenseOps);
        if (fp8DenseFlops < 0) {
            throw new IllegalArgumentException("fp8DenseFlops must be >= 0 (0 = none), was " + fp8DenseFlops);
        }
        requirePositive("memoryBandwidthBytesPerSec", memoryBandwidthBytesPerSec);
        requirePositive("memoryBytes", memoryBytes);
        requirePositive("tdpWatts", tdpWatts);
        requirePositive("linkBytesPerSec", linkBytesPerSec);
        if (idleWatts < 0 || idleWatts >= tdpWatts) {
            throw new IllegalArgumentException("idleWatts must be in [0, tdpWatts=" + tdpWatts + "), was " + idleWatts);
        }
        if (linkLatencyNanos < 0) {
            throw new IllegalArgumentException("linkLatencyNanos must be >= 0, was " + linkLatencyNanos);
        }
    }

    private static void requirePositive(String field, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(field + " must be > 0, was " + v);
        }
    }

    /**
     * Whether this GPU has FP8 tensor cores.
     *
     * @return true for Hopper and Ada
     */
    public boolean hasFp8() {
        return fp8DenseFlops > 0;
    }

    /**
     * The GPUs in the table.
     *
     * @return A100-40GB, H100-80GB, H200-141GB, L40S-48GB
     */
    public static List<GpuSpec> known() {
        return KNOWN;
    }

    /**
     * Looks a GPU up by name, ignoring case ({@code "h100-80gb"}); {@code "A100"}, {@code "H100"},
     * {@code "H200"} and {@code "L40S"} are accepted as short forms.
     *
     * @param name the name
     * @return the GPU
     * @throws IllegalArgumentException naming the known GPUs when there is no such GPU
     */
    public static GpuSpec byName(String name) {
        if (name != null) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            for (GpuSpec g : KNOWN) {
                String k = g.name().toUpperCase(Locale.ROOT);
                if (k.equals(n) || k.startsWith(n + "-")) {
                    return g;
                }
            }
        }
        throw new IllegalArgumentException("unknown GPU '" + name + "'; known GPUs: "
                + KNOWN.stream().map(GpuSpec::name).collect(Collectors.joining(", ")));
    }
}
