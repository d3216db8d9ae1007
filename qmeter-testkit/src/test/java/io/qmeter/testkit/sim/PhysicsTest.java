package io.qmeter.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The performance and power model shows the physics the seed paper relies on. Every test prints
 * the figures it saw.
 */
class PhysicsTest {

    private static SimConfig cfg(String model, String q) {
        return SimConfig.builder().model(model).quantization(q).build();
    }

    private static SimulationResult single(SimConfig c, int prompt, int output) {
        return new VirtualTimeSimulator(c).run(ArrivalTrace.burst(1, prompt, output), false);
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }

    @Test
    void lowLoadTpotFallsWithFewerWeightBits() {
        Map<String, Double> tpot = new LinkedHashMap<>();
        for (String q : new String[] {"FP16", "W8A16-INT", "W4A16-INT"}) {
            tpot.put(q, ms(single(cfg("Llama-2-13B", q), 331, 231).tpotPercentileNanos(50)));
        }
        System.out.println("13B H100 one-stream TPOT ms: " + tpot);
        assertThat(tpot.get("W8A16-INT")).isLessThan(tpot.get("FP16") * 0.65);
        assertThat(tpot.get("W4A16-INT")).isLessThan(tpot.get("W8A16-INT") * 0.75);
        // memory-bound: FP16 13B reads 26 GB a token; at 0.75 x 3.35 TB/s that is >= 10.3 ms
        assertThat(tpot.get("FP16")).isBetween(10.3, 12.5);
    }

    @Test
    void longInputTtftFallsWith8BitActivationsOnH100() {
        Map<String, Double> ttft = new LinkedHashMap<>();
        for (String q : new String[] {"FP16", "W8A16-INT", "W4A16-INT", "W8A8-INT", "W8A8-FP", "W4A8"}) {
            ttft.put(q, ms(single(cfg("Llama-2-13B", q), 4000, 2).ttftPercentileNanos(50)));
        }
        System.out.println("13B H100 TTFT of a 4000-token prompt, ms: " + ttft);
        assertThat(ttft.get("W8A8-INT")).isLessThan(ttft.get("FP16") * 0.7);
        assertThat(ttft.get("W8A8-FP")).isLessThan(ttft.get("FP16") * 0.7);
        assertThat(ttft.get("W4A8")).isLessThan(ttft.get("FP16") * 0.8);
        // weight-only methods dequantize in a compute-bound prefill: no faster than FP16
        assertThat(ttft.get("W8A16-INT")).isGreaterThanOrEqualTo(ttft.get("FP16"));
        assertThat(ttft.get("W4A16-INT")).isGreaterThan(ttft.get("W8A16-INT"));
    }

    @Test
    void tpotFallsWithTensorParallelismButLessThanLinearly() {
        Map<Integer, Double> tpot = new LinkedHashMap<>();
        for (int tp : new int[] {1, 2, 4, 8}) {
            SimConfig c = SimConfig.builder().model("Llama-2-13B").tensorParallel(tp).build();
            tpot.put(tp, ms(single(c, 331, 231).tpotPercentileNanos(50)));
        }
        Map<Integer, Double> tpot70 = new LinkedHashMap<>();
        for (int tp : new int[] {2, 4, 8}) {
            SimConfig c = SimConfig.builder().model("Llama-2-70B").tensorParallel(tp).build();
            tpot70.put(tp, ms(single(c, 331, 231).tpotPercentileNanos(50)));
        }
        System.out.println("13B FP16 H100 one-stream TPOT ms by TP: " + tpot + "; 70B FP16: " + tpot70);
        assertThat(tpot.get(2)).isLessThan(tpot.get(1));
        assertThat(tpot.get(4)).isLessThan(tpot.get(2));
        assertThat(tpot.get(8)).isLessThan(tpot.get(4));
        assertThat(tpot.get(1) / tpot.get(2)).isLessThan(2.0);
        assertThat(tpot.get(1) / tpot.get(8)).isLessThan(8.0).isGreaterThan(2.0);
        assertThat(tpot70.get(2) / tpot70.get(8)).isLessThan(4.0).isGreaterThan(1.5);
    }

    @Test
    void kvQuantizationRaisesTheBatchThatFits() {
        SimConfig fp16 = cfg("Llama-2-13B", "W8A16-INT");
        SimConfig kv8 = cfg("Llama-2-13B", "W8A16KV8-INT");
        SimConfig kv4 = cfg("Llama-2-13B", "W4A8KV4");
        // 300 long requests at once: the batch is bounded by KV blocks, not by maxNumSeqs
        ArrivalTrace burst = ArrivalTrace.burst(300, 1500, 500);
        SimulationResult r16 = new VirtualTimeSimulator(fp16).run(burst, false);
        SimulationResult r8 = new VirtualTimeSimulator(kv8).run(burst, false);
        SimulationResult r4 = new VirtualTimeSimulator(kv4).run(burst, false);
        System.out.printf(Locale.ROOT, "13B H100 KV blocks: W8A16 %d, W8A16KV8 %d, W4A8KV4 %d; mean batch of 300 x 1500/500: %.1f, %.1f, %.1f;"
                        + " preemptions %d, %d, %d%n", fp16.memoryPlan().kvBlocks(), kv8.memoryPlan().kvBlocks(),
                kv4.memoryPlan().kvBlocks(), r16.meanBatchSeqs(), r8.meanBatchSeqs(), r4.meanBatchSeqs(), r16.preemptions(),
                r8.preemptions(), r4.preemptions());
        double blocksRatio = kv8.memoryPlan().kvBlocks() / (double) fp16.memoryPlan().kvBlocks();
        assertThat(blocksRatio).isBetween(1.9, 2.0);
        assertThat(kv4.memoryPlan().kvBlocks()).isGreaterThan(3 * fp16.memoryPlan().kvBlocks());
        assertThat(r8.meanBatchSeqs()).isGreaterThan(r16.meanBatchSeqs() * 1.5);
        assertThat(r4.meanBatchSeqs()).isGreaterThan(r8.meanBatchSeqs());
    }

    @Test
    void saturationRateRisesWithMoreAggressiveWeightQuantizationOnAMemoryBoundWorkload() {
        // short prompts, long outputs and an interactive TPOT SLO (P90 <= 15 ms): batches stay small
        // enough that decode reads weights at the bandwidth roofline, so fewer weight bytes = more req/s
        LengthDistribution decodeHeavy = new LengthDistribution(64, 0.5, 8, 512, 512, 0.5, 16, 2048);
        Map<String, Double> sat = new LinkedHashMap<>();
        Map<String, Double> loose = new LinkedHashMap<>();
        for (String q : new String[] {"FP16", "W8A16-INT", "W4A16-INT"}) {
            VirtualSaturationSearch.Builder b = VirtualSaturationSearch.builder(cfg("Llama-2-13B", q))
                    .lengths(decodeHeavy).requests(1000).seed(3).relativePrecision(0.02);
            sat.put(q, b.tpotP90LimitNanos(15_000_000L).build().run().saturationRate());
            loose.put(q, b.tpotP90LimitNanos(200_000_000L).build().run().saturationRate());
        }
        System.out.println("13B H100 saturation req/s, 64 in / 512 out, P90 TPOT <= 15 ms: " + sat
                + "; with P90 TPOT <= 200 ms (large, compute-bound batches): " + loose);
        assertThat(sat.get("W8A16-INT")).isGreaterThan(sat.get("FP16") * 1.5);
        assertThat(sat.get("W4A16-INT")).isGreaterThan(sat.get("W8A16-INT") * 1.1);
        assertThat(loose.get("W8A16-INT")).isGreaterThan(loose.get("FP16"));
    }

    @Test
    void powerStaysWithinIdleAndTdpAndEnergyIsMonotonic() {
        for (String q : new String[] {"FP16", "W8A8-INT", "W4A8KV4"}) {
            SimConfig c = cfg("Llama-2-13B", q);
            SimulationResult r = new VirtualTimeSimulator(c).run(
                    ArrivalTrace.poisson(12, 400, LengthDistribution.shareGptLike(), 5), false);
            System.out.printf(Locale.ROOT, "%s power per GPU %.0f..%.0f W (idle %.0f, TDP %.0f), mean %.0f W, %.3f J/token%n",
                    c.label(), r.minWattsPerGpu(), r.maxWattsPerGpu(), c.gpu().idleWatts(), c.gpu().tdpWatts(),
                    r.averageWatts(), r.joulesPerToken());
            assertThat(r.minWattsPerGpu()).isGreaterThanOrEqualTo(c.gpu().idleWatts());
            assertThat(r.maxWattsPerGpu()).isLessThanOrEqualTo(c.gpu().tdpWatts()).isGreaterThan(400);
            assertThat(r.averageWatts()).isBetween(c.gpu().idleWatts(), c.gpu().tdpWatts());
        }
        // a compute-saturated iteration is capped at TDP
        PerfModel p = new PerfModel(cfg("Llama-2-7B", "FP16"));
        assertThat(p.wattsFor(1, 1)).isEqualTo(700);
        assertThat(p.wattsFor(0, 0)).isBetween(70.0, 700.0);
        // the counter never decreases, whatever power is set
        EnergyMeter m = new EnergyMeter(70, 0);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        double last = 0;
        long t = 0;
        long readAt = 0;
        for (int i = 0; i < 10_000; i++) {
            t += rnd.nextLong(1, 10_000_000);
            if (rnd.nextBoolean()) {
                m.setWatts(t, 70 + rnd.nextDouble(630)); // may lie before the last read: applies from the read on
            }
            readAt = Math.max(readAt, t + rnd.nextLong(0, 20_000_000));
            double j = m.joulesAt(readAt);
            assertThat(j).isGreaterThanOrEqualTo(last);
            last = j;
        }
    }

    @Test
    void h100BatchOneDecodePowerIsInTheCalibratedRange() {
        SimulationResult r = single(cfg("Llama-2-7B", "FP16"), 512, 128);
        SimulationResult slow = single(SimConfig.builder().model("Llama-2-7B").bandwidthEfficiency(0.45).build(), 512, 128);
        System.out.printf(Locale.ROOT, "7B F16 H100 1 stream: model %.2f ms TPOT %.0f W %.2f J/token; llama.cpp-like"
                        + " (bw 0.45) %.2f ms %.0f W %.2f J/token; measured llama.cpp 9.03 ms 461 W 4.31 J/token%n",
                ms(r.tpotPercentileNanos(50)), r.averageWatts(), r.joulesPerToken(), ms(slow.tpotPercentileNanos(50)),
                slow.averageWatts(), slow.joulesPerToken());
        assertThat(r.averageWatts()).isBetween(400.0, 600.0);
        assertThat(ms(slow.tpotPercentileNanos(50))).isBetween(8.0, 10.5);
        assertThat(slow.averageWatts()).isBetween(420.0, 500.0);
        assertThat(slow.joulesPerToken()).isBetween(3.8, 4.8);
    }
}
