package io.qmeter.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared scheduler, observed through virtual-time runs. */
class SchedulerTest {

    @Test
    void aFullKvCachePreemptsAndRecomputesButEveryRequestCompletes() {
        // a small cache: 13B FP16 with little memory to spare
        SimConfig c = SimConfig.builder().model("Llama-2-13B").gpuMemoryUtilization(0.42).build();
        SimulationResult r = new VirtualTimeSimulator(c).run(ArrivalTrace.burst(40, 100, 1500));
        System.out.println("small cache: " + c.memoryPlan().summary() + "; " + r.summary());
        assertThat(r.preemptions()).isPositive();
        assertThat(r.completed()).isEqualTo(40);
        assertThat(r.peakKvUsage()).isGreaterThan(0.95);
        for (RequestResult q : r.requests()) {
            assertThat(q.outputTokens()).isEqualTo(1500);
            long[] t = q.tokenTimesNanos();
            for (int i = 1; i < t.length; i++) {
                assertThat(t[i]).isGreaterThan(t[i - 1]);
            }
        }
    }

    @Test
    void reservingMaxTokensNeverPreemptsButAdmitsFewer() {
        SimConfig paged = SimConfig.builder().model("Llama-2-13B").gpuMemoryUtilization(0.42).build();
        SimConfig reserved = paged.toBuilder().kvPolicy(KvPolicy.RESERVE_MAX_TOKENS).build();
        ArrivalTrace burst = ArrivalTrace.burst(40, 100, 1500);
        SimulationResult a = new VirtualTimeSimulator(paged).run(burst, false);
        SimulationResult b = new VirtualTimeSimulator(reserved).run(burst, false);
        System.out.printf(Locale.ROOT, "8816-token cache, 40 x 100/1500: paged batch %.1f, %d preemptions, %.1f s;"
                        + " reserved batch %.1f, %d preemptions, %.1f s%n", a.meanBatchSeqs(), a.preemptions(),
                a.durationNanos() / 1e9, b.meanBatchSeqs(), b.preemptions(), b.durationNanos() / 1e9);
        assertThat(b.preemptions()).isZero();
        assertThat(b.completed()).isEqualTo(40);
        assertThat(b.meanBatchSeqs()).isLessThanOrEqualTo(8816 / 1600.0 + 0.01).isLessThan(a.meanBatchSeqs());
    }

    @Test
    void theSequenceCapBoundsTheBatch() {
        SimConfig c = SimConfig.builder().model("Llama-2-7B").maxNumSeqs(8).build();
        SimulationResult r = new VirtualTimeSimulator(c).run(ArrivalTrace.burst(32, 100, 50));
        assertThat(r.meanBatchSeqs()).isLessThanOrEqualTo(8.0).isGreaterThan(7.0);
        // four waves of eight: the last wave's TTFT is about three waves of decode later
        double firstTtft = r.requests().get(0).ttftNanos();
        double lastTtft = r.requests().get(31).ttftNanos();
        System.out.printf(Locale.ROOT, "maxNumSeqs 8, 32 requests: TTFT first %.1f ms, last %.1f ms%n", firstTtft / 1e6, lastTtft / 1e6);
        assertThat(lastTtft).isGreaterThan(3 * 49 * r.tpotPercentileNanos(50));
    }

    @Test
    void chunkedPrefillSplitsLongPromptsSoDecodesKeepFlowing() {
        // one long prompt arrives while 20 requests decode: with a 512-token budget it is chunked
        ArrivalTrace trace = new ArrivalTrace(java.util.List.of(
                new TraceRequest(0, 50, 400), new TraceRequest(0, 50, 400), new TraceRequest(0, 50, 400),
                new TraceRequest(100_000_000L, 3500, 10)), "long prompt into decodes");
        SimConfig chunked = SimConfig.builder().model("Llama-2-13B").maxBatchedTokens(512).build();
        SimConfig whole = SimConfig.builder().model("Llama-2-13B").chunkedPrefill(false).build();
        SimulationResult a = new VirtualTimeSimulator(chunked).run(trace);
        SimulationResult b = new VirtualTimeSimulator(whole).run(trace);
        long maxGapChunked = maxGap(a.requests().get(0).tokenTimesNanos());
        long maxGapWhole = maxGap(b.requests().get(0).tokenTimesNanos());
        System.out.printf(Locale.ROOT, "decode stall while a 3500-token prompt prefills: chunked (512) %.1f ms, whole %.1f ms;"
                        + " long prompt TTFT %.1f vs %.1f ms%n", maxGapChunked / 1e6, maxGapWhole / 1e6,
                a.requests().get(3).ttftNanos() / 1e6, b.requests().get(3).ttftNanos() / 1e6);
        assertThat(maxGapChunked).isLessThan(maxGapWhole / 3);
        assertThat(a.requests().get(3).ttftNanos()).isGreaterThan(b.requests().get(3).ttftNanos());
    }

    private static long maxGap(long[] t) {
        long m = 0;
        for (int i = 1; i < t.length; i++) {
            m = Math.max(m, t[i] - t[i - 1]);
        }
        return m;
    }

    @Test
    void virtualTimeIsDeterministicAndRejectsTooLongRequests() {
        SimConfig c = SimConfig.builder().model("Llama-2-13B").quantization("W8A8-INT").build();
        ArrivalTrace t = ArrivalTrace.poisson(10, 300, LengthDistribution.shareGptLike(), 9);
        SimulationResult a = new VirtualTimeSimulator(c).run(t);
        SimulationResult b = new VirtualTimeSimulator(c).run(t);
        for (int i = 0; i < t.size(); i++) {
            assertThat(a.requests().get(i).ttftNanos()).isEqualTo(b.requests().get(i).ttftNanos());
            assertThat(a.requests().get(i).e2eNanos()).isEqualTo(b.requests().get(i).e2eNanos());
        }
        assertThat(a.energyJoules()).isEqualTo(b.energyJoules());
        SimulationResult bad = new VirtualTimeSimulator(c).run(new ArrivalTrace(java.util.List.of(
                new TraceRequest(0, 4000, 200), new TraceRequest(0, 10, 10)), "one too long"));
        assertThat(bad.requests().get(0).ok()).isFalse();
        assertThat(bad.requests().get(0).error()).contains("exceeds the model's context length 4096");
        assertThat(bad.requests().get(1).ok()).isTrue();
        assertThat(bad.completed()).isEqualTo(1);
    }

    @Test
    void arrivalTracesAreSeededAndShareLengthsAcrossRates() {
        ArrivalTrace slow = ArrivalTrace.poisson(2, 500, LengthDistribution.shareGptLike(), 4);
        ArrivalTrace fast = ArrivalTrace.poisson(8, 500, LengthDistribution.shareGptLike(), 4);
        for (int i = 0; i < 500; i++) {
            assertThat(fast.requests().get(i).promptTokens()).isEqualTo(slow.requests().get(i).promptTokens());
            assertThat(fast.requests().get(i).arrivalNanos()).isCloseTo(slow.requests().get(i).arrivalNanos() / 4,
                    org.assertj.core.data.Offset.offset(2L));
        }
        double[] means = LengthDistribution.shareGptLike().realizedMeans(200_000, 1);
        System.out.printf(Locale.ROOT, "ShareGPT-like realized means %.1f / %.1f%n", means[0], means[1]);
        assertThat(means[0]).isBetween(321.0, 341.0);
        assertThat(means[1]).isBetween(224.0, 238.0);
    }

    @Test
    void aSaturationSearchOf12MethodsIsFast() {
        long t0 = System.nanoTime();
        int runs = 0;
        StringBuilder sb = new StringBuilder();
        for (QuantMethod q : QuantMethod.known()) {
            SimConfig c = SimConfig.builder().model("Llama-2-13B").quantization(q).build();
            VirtualSaturationSearch.Result r = VirtualSaturationSearch.builder(c).build().run();
            runs += r.runs();
            assertThat(r.lowestFailRate()).isGreaterThan(r.saturationRate());
            assertThat(r.saturationRate()).isBetween(5.0, 40.0);
            sb.append(String.format(Locale.ROOT, " %s=%.2f", q.name(), r.saturationRate()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // printed, not asserted tightly: this box is shared
        System.out.printf(Locale.ROOT, "13B H100 ShareGPT-like saturation req/s:%s (%d runs in %.1f s)%n", sb, runs, seconds);
        assertThat(seconds).isLessThan(120);
    }
}
