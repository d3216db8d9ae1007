package io.qmeter.testkit.sim;

/**
 * The roofline: how long one iteration takes on one GPU of the tensor-parallel group, and how
 * much power each GPU draws meanwhile. Package-private; {@link VirtualTimeSimulator} and
 * {@link RealTimeBackend} share one instance per configuration. Not thread-safe (one caller).
 *
 * <p>Per layer, each kernel family is {@code max(FLOPs / (peak × flopEfficiency), bytes /
 * (bandwidth × bandwidthEfficiency))}: the linear layers (all tokens of the iteration in one GEMM,
 * at the quantization method's tensor-core peak, compute side × gemmOverhead), prefill attention
 * and decode attention (FP16 tensor cores at {@link #ATTENTION_EFFICIENCY}, KV reads at
 * attentionBandwidthEfficiency × kvAttentionOverhead); plus two ring all-reduces per layer when tensor-parallel, plus a
 * per-layer overhead. Then the LM head for the sequences that sample, then a fixed per-iteration
 * overhead.
 *
 * <p>Power per GPU while kernels run: {@code idle + busy + flopWatts × flopUtil + bandwidthWatts ×
 * bandwidthUtil}, capped at TDP, where the utilisations are the time the kernels would need at 100 %
 * of peak divided by their modelled time (the time KV dequantization adds counts as compute at
 * {@link #KV_DEQUANT_POWER_WEIGHT}); during the
 * iteration's host overhead the GPU draws loaded-idle power ({@link #LOADED_IDLE_FACTOR} × idle).
 * The iteration's power is the time-weighted mean of the two. The coefficients are fractions of
 * TDP fitted to the H100 calibration (see {@link #BUSY_FRACTION}).
 */
final class PerfModel {

    /** FlashAttention-2-class kernels reach about half the FP16 tensor-core peak. */
    static final double ATTENTION_EFFICIENCY = 0.5;
    /**
     * Power of an active GPU (clocks up, SMs issuing) above idle, as a fraction of TDP: the
     * calibration's batch-1 decode rows (F16 461 W at 45 % bandwidth, Q8_0 412 W at 31 %, Q4_0
     * 370 W at 19 %) fit 303 W + 350 W × bandwidth utilisation; 303 − 70 idle = 233 W = 0.333 × 700.
     */
    static final double BUSY_FRACTION = 233.0 / 700;
    /** Watts per unit of bandwidth utilisation, as a fraction of TDP: 350 W / 700 W (fit above). */
    static final double BANDWIDTH_FRACTION = 350.0 / 700;
    /**
     * Watts per unit of tensor-core utilisation, as a fraction of TDP: the calibration's bf16
     * matmul loop drew 590 W at about 70 % of dense peak: (590 − 303) / 0.7 = 410 W = 0.586 × 700.
     */
    static final double FLOP_FRACTION = 410.0 / 700;
    /**
     * Power of a GPU whose serving engine is up but runs no kernel (its host is scheduling,
     * sampling, detokenizing), as a multiple of bare idle power: the H200 run of
     * docs/gpu-llamacpp.md drew 80 W bare and 123–130 W idle with the server loaded: 125 / 80.
     * The per-iteration host overhead is charged at this power, not at a busy GPU's.
     */
    static final double LOADED_IDLE_FACTOR = 125.0 / 80;
    /**
     * Weight of the time KV dequantization adds to attention, as tensor-core-equivalent work for
     * power: the conversion runs on CUDA cores, which draw less than busy tensor cores. Fitted to the
     * H100 calibration's Q4_0 + KV q8_0 rows against Q4_0 (llama.cpp-like efficiencies, 512 / 128
     * tokens): measured +21 / +22 / +42 W at 4 / 16 / 64 streams; the model gives +2 / +3 / +3 W at
     * 0.3, about +14 / +29 / +44 W at 0.5, +45 / +84 / +107 W at 1 (the previous model's choice).
     * Not reproduced: at one stream the measured power fell (334 against 370 W).
     */
    static final double KV_DEQUANT_POWER_WEIGHT = 0.5;

    private final SimConfig config;
    private final int layers;
    private final int tp;
    private final double h;
    private final double linParams;
    private final double gemmPeak;
    private final double fp16Peak;
    private final double bw;
    private final double effF;
    private final double effB;
    private final double effAttnB;
    private final double gemmOverhead;
    private final double kvOverhead;
    private final double weightBytesPerLayer;
    private final double actBytesPerToken;
    private final double kvBytesPerTokenLayer;
    private final double lmHeadBytes;
    private final double vocab;
    private final double link;
    private final double linkLatencyNanos;
    private final double idleWatts;
    private final double tdpWatts;

    private double lastWatts;
    private double lastFlopUtil;
    private double lastBandwidthUtil;

    PerfModel(SimConfig c) {
        this.config = c;
        ModelSpec m = c.model();
        GpuSpec g = c.gpu();
        QuantMethod q = c.quantization();
        this.layers = m.layers();
        this.tp = c.tensorParallel();
        this.h = m.hiddenSize();
        this.linParams = m.linearParamsPerLayer() / (double) tp;
        this.gemmPeak = q.gemmPeak(g);
        this.fp16Peak = g.fp16DenseFlops();
        this.bw = g.memoryBandwidthBytesPerSec();
        this.effF = c.flopEfficiency();
        this.effB = c.bandwidthEfficiency();
        this.effAttnB = c.attentionBandwidthEfficiency();
        this.gemmOverhead = q.gemmOverhead();
        this.kvOverhead = q.kvAttentionOverhead();
        this.weightBytesPerLayer = linParams * q.weightBytes();
        double ffn = m.ffnSize();
        double kv = m.kvDim();
        // GEMM inputs in the activation format, outputs in FP16 (o-proj and down-proj outputs
        // are full-width partial sums before the all-reduce)
        double inputs = (h + h / tp + h + ffn / tp) * q.activationBytes();
        double outputs = ((h + 2 * kv) / tp + h + 2 * ffn / tp + h) * 2;
        this.actBytesPerToken = inputs + outputs;
        this.kvBytesPerTokenLayer = SimConfig.kvBytesPerTokenPerGpu(m, q, tp) / layers;
        this.vocab = m.vocabSize();
        this.lmHeadBytes = 2.0 * vocab * h / tp;
        this.link = g.linkBytesPerSec();
        this.linkLatencyNanos = g.linkLatencyNanos();
        this.idleWatts = g.idleWatts();
        this.tdpWatts = g.tdpWatts();
    }

    SimConfig config() {
        return config;
    }

    /**
     * The modelled duration of an iteration; afterwards {@link #lastWatts()} is its power per GPU.
     *
     * @param s the iteration's shape
     * @return nanoseconds, at least 1
     */
    long iterationNanos(IterationShape s) {
        double t = s.tokens;
        // linear layers
        double linFlops = 2 * t * linParams;
        double linBytes = weightBytesPerLayer + t * actBytesPerToken;
        double linCompute = linFlops * gemmOverhead / gemmPeak;
        double linMemory = linBytes / bw;
        double linSec = Math.max(linCompute / effF, linMemory / effB);
        // attention: query heads per GPU do the math, KV heads per GPU are read
        double hPerGpu = h / tp;
        double kvWrite = t * kvBytesPerTokenLayer;
        double apFlops = 4 * s.prefillPairs * hPerGpu;
        double apBytes = s.prefillKvTokens * kvBytesPerTokenLayer;
        double apSec = 0;
        if (s.prefillKvTokens > 0) {
            apSec = Math.max(apFlops / (fp16Peak * ATTENTION_EFFICIENCY), apBytes * kvOverhead / (bw * effAttnB));
        }
        double adFlops = 4.0 * s.decodeKvTokens * hPerGpu;
        double adBytes = s.decodeKvTokens * kvBytesPerTokenLayer;
        double adSec = 0;
        if (s.decodeKvTokens > 0) {
            adSec = Math.max(adFlops / (fp16Peak * ATTENTION_EFFICIENCY), adBytes * kvOverhead / (bw * effAttnB));
        }
        double writeSec = kvWrite / (bw * effB);
        // two ring all-reduces of the FP16 hidden states per layer
        double arSec = 0;
        if (tp > 1) {
            double msg = t * h * 2;
            arSec = 2 * (linkLatencyNanos * 1e-9 + 2.0 * (tp - 1) / tp * msg / link);
        }
        double layerSec = linSec + apSec + adSec + writeSec + arSec + config.layerOverheadNanos() * 1e-9;
        // LM head (kept in 16 bits) for the sequences that sample
        double lmFlops = 2 * s.logits * vocab * h / tp;
        double lmBytes = lmHeadBytes + s.logits * vocab / tp * 4;
        double lmSec = Math.max(lmFlops / (fp16Peak * effF), lmBytes / (bw * effB));
        double kernelSec = layers * layerSec + lmSec;
        double hostSec = config.iterationOverheadNanos() * 1e-9;
        double totalSec = kernelSec + hostSec;

        // Power (energy model v2): the utilisations are those of the kernels' own time; the time KV
        // dequantization adds to attention counts as compute at KV_DEQUANT_POWER_WEIGHT (CUDA cores,
        // not tensor cores); the host overhead between kernels draws loaded-idle power.
        double kvDequantSec = kvOverhead > 1 ? (apBytes + adBytes) * (kvOverhead - 1) / (bw * effAttnB) : 0;
        double idealCompute = layers * (linCompute + (apFlops + adFlops) / fp16Peak
                + KV_DEQUANT_POWER_WEIGHT * kvDequantSec) + lmFlops / fp16Peak;
        double idealMemory = (layers * (linBytes + apBytes + adBytes + kvWrite) + lmBytes) / bw;
        double kernelFlopUtil = Math.min(1, idealCompute / kernelSec);
        double kernelBandwidthUtil = Math.min(1, idealMemory / kernelSec);
        double kernelWatts = wattsFor(kernelFlopUtil, kernelBandwidthUtil);
        double hostWatts = Math.min(kernelWatts, idleWatts * LOADED_IDLE_FACTOR);
        lastFlopUtil = Math.min(1, idealCompute / totalSec);
        lastBandwidthUtil = Math.min(1, idealMemory / totalSec);
        lastWatts = (kernelWatts * kernelSec + hostWatts * hostSec) / totalSec;
        return Math.max(1, Math.round(totalSec * 1e9));
    }

    /**
     * Power of one GPU at given utilisations.
     *
     * @param flopUtil      fraction of tensor-core peak, 0..1
     * @param bandwidthUtil fraction of memory bandwidth, 0..1
     * @return watts within [idle + busy, TDP]
     */
    double wattsFor(double flopUtil, double bandwidthUtil) {
        double w = idleWatts + tdpWatts * (BUSY_FRACTION + FLOP_FRACTION * flopUtil + BANDWIDTH_FRACTION * bandwidthUtil);
        return Math.min(tdpWatts, w);
    }

    /** Power per GPU during the last iteration, watts. */
    double lastWatts() {
        return lastWatts;
    }

    /** Tensor-core utilisation of the last iteration. */
    double lastFlopUtil() {
        return lastFlopUtil;
    }

    /** Bandwidth utilisation of the last iteration. */
    double lastBandwidthUtil() {
        return lastBandwidthUtil;
    }

    /** Idle power per GPU, watts. */
    double idleWatts() {
        return idleWatts;
    }
}
