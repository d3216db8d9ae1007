package io.qmeter.testkit.sim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants of the shared scheduler and the energy counter over random traces and limits. */
class SchedulerPropertiesTest {

    @Property(tries = 60, seed = "20261127")
    void everyRequestCompletesWithOrderedTokensAndTheCacheNeverOverflows(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 1, max = 64) int maxNumSeqs,
            @ForAll @IntRange(min = 64, max = 4096) int maxBatchedTokens,
            @ForAll boolean chunked,
            @ForAll boolean reserve,
            @ForAll @IntRange(min = 0, max = 11) int method) {
        SimConfig c = SimConfig.builder().model("Llama-2-13B").quantization(QuantMethod.known().get(method))
                .maxNumSeqs(maxNumSeqs).maxBatchedTokens(chunked ? Math.max(maxBatchedTokens, maxNumSeqs) : 4096)
                .chunkedPrefill(chunked).gpuMemoryUtilization(0.45)
                .kvPolicy(reserve ? KvPolicy.RESERVE_MAX_TOKENS : KvPolicy.PAGED_PREEMPT).build();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<TraceRequest> reqs = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 60; i++) {
            t += rnd.nextLong(0, 200_000_000L);
            int in = rnd.nextInt(1, 2500);
            reqs.add(new TraceRequest(t, in, rnd.nextInt(1, Math.min(1500, 4096 - in) + 1)));
        }
        SimulationResult r = new VirtualTimeSimulator(c).run(new ArrivalTrace(reqs, "random"));
        assertThat(r.completed()).as(r.summary()).isEqualTo(60);
        if (reserve) {
            assertThat(r.preemptions()).isZero();
        }
        assertThat(r.peakKvUsage()).isBetween(0.0, 1.0);
        assertThat(r.meanBatchSeqs()).isLessThanOrEqualTo(maxNumSeqs);
        for (RequestResult q : r.requests()) {
            assertThat(q.outputTokens()).isEqualTo(reqs.get(q.index()).maxTokens());
            assertThat(q.ttftNanos()).isPositive();
            assertThat(q.e2eNanos()).isGreaterThanOrEqualTo(q.ttftNanos());
            long[] times = q.tokenTimesNanos();
            assertThat(times[0] - q.arrivalNanos()).isEqualTo(q.ttftNanos());
            for (int i = 1; i < times.length; i++) {
                assertThat(times[i]).isGreaterThan(times[i - 1]);
            }
        }
        assertThat(r.minWattsPerGpu()).isGreaterThanOrEqualTo(c.gpu().idleWatts());
        assertThat(r.maxWattsPerGpu()).isLessThanOrEqualTo(c.gpu().tdpWatts());
        assertThat(r.averageWatts()).isBetween(c.gpu().idleWatts(), c.gpu().tdpWatts());
    }

    @Property(tries = 200, seed = "42")
    void iterationTimeGrowsWithWork(@ForAll @IntRange(min = 1, max = 256) int decodes,
                                    @ForAll @IntRange(min = 1, max = 3000) int context,
                                    @ForAll @IntRange(min = 0, max = 11) int method) {
        PerfModel p = new PerfModel(SimConfig.builder().model("Llama-2-13B").quantization(QuantMethod.known().get(method)).build());
        IterationShape s = new IterationShape();
        s.tokens = decodes;
        s.seqs = decodes;
        s.logits = decodes;
        s.decodeSeqs = decodes;
        s.decodeKvTokens = (long) decodes * context;
        long base = p.iterationNanos(s);
        double watts = p.lastWatts();
        s.decodeKvTokens += decodes;   // one more token of context each
        long more = p.iterationNanos(s);
        assertThat(more).isGreaterThanOrEqualTo(base);
        assertThat(watts).isBetween(70.0, 700.0);
    }
}
