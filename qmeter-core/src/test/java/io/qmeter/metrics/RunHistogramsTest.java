package io.qmeter.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * {@link RunHistograms} over the same requests as {@link RunSummary} and {@link ClientCheck}, and
 * histograms of disjoint record sets adding up to those of the union.
 */
class RunHistogramsTest {

    /** A seeded mix of successes (chunked, some with several tokens per chunk, some with server timings) and failures. */
    static List<RequestRecord> records(long seed, int n) {
        Random rnd = new Random(seed);
        List<RequestRecord> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += (long) (rnd.nextDouble() * 20_000_000L);
            long dispatch = t + (long) (rnd.nextDouble() * 3_000_000);
            long sent = dispatch + (rnd.nextInt(4) == 0 ? (long) (rnd.nextDouble() * 9_000_000) : 0);
            int roll = rnd.nextInt(10);
            if (roll == 0) {
                out.add(new RequestRecord(i, t, -1, -1, -1, null, null, 10, -1, 5, 0, false, null, Outcome.CANCELLED, 0,
                        "never sent", null, rnd.nextBoolean() ? dispatch : -1, false, null));
                continue;
            }
            int chunks = 1 + rnd.nextInt(12);
            long[] at = new long[chunks];
            int[] tokens = rnd.nextBoolean() ? null : new int[chunks];
            long c = sent + 1_000_000L + (long) (rnd.nextDouble() * 80_000_000L);
            int total = 0;
            for (int j = 0; j < chunks; j++) {
                at[j] = c;
                c += (long) (rnd.nextDouble() * 30_000_000L);
                if (tokens != null) {
                    tokens[j] = rnd.nextInt(4); // 0 tokens: a chunk with no token of its own
                    total += tokens[j];
                } else {
                    total++;
                }
            }
            Outcome o = roll == 1 ? Outcome.HTTP_ERROR : Outcome.OK;
            ServerTimings st = rnd.nextInt(3) == 0 ? new ServerTimings(10, rnd.nextDouble() * 50, total, 1.5, 0) : null;
            out.add(new RequestRecord(i, t, sent, at[0], at[chunks - 1], at, tokens, 10, 10, total, total, false,
                    "length", o, o == Outcome.OK ? 200 : 503, null, null, dispatch, false, st));
        }
        return out;
    }

    @Property(tries = 60)
    void eachMetricSummarizesAsTheRunSummaryAndTheClientCheckDo(@ForAll long seed,
                                                               @ForAll @IntRange(min = 0, max = 300) int n,
                                                               @ForAll @LongRange(min = 0, max = 2_000_000_000L) long from,
                                                               @ForAll @LongRange(min = 0, max = 6_000_000_000L) long length) {
        List<RequestRecord> rs = records(seed, n);
        MeasurementWindow w = new MeasurementWindow(from, from + length);
        RunHistograms h = RunHistograms.of(rs, w);
        RunSummary s = RunSummary.of(rs, w, true);
        ClientCheck c = ClientCheck.of(rs, w, 50, ClientCheckThresholds.defaults());
        assertThat(h.get(LatencyMetric.TTFT).stats()).isEqualTo(s.ttft());
        assertThat(h.get(LatencyMetric.SERVICE_TTFT).stats()).isEqualTo(s.serviceTtft());
        assertThat(h.get(LatencyMetric.TPOT).stats()).isEqualTo(s.tpot());
        assertThat(h.get(LatencyMetric.ITL).stats()).isEqualTo(s.itl());
        assertThat(h.get(LatencyMetric.E2E).stats()).isEqualTo(s.e2e());
        assertThat(h.get(LatencyMetric.QUEUE_DELAY).stats()).isEqualTo(s.queueDelay());
        assertThat(h.get(LatencyMetric.SERVER_PROMPT_TIME).stats()).isEqualTo(s.serverPromptTime());
        assertThat(h.get(LatencyMetric.CLIENT_SHARE_OF_TTFT).stats()).isEqualTo(s.clientShareOfTtft());
        assertThat(h.get(LatencyMetric.SCHEDULE_LAG).stats()).isEqualTo(c.scheduleLag());
    }

    @Property(tries = 60)
    void theHistogramsOfEveryNthRecordAddUpToThoseOfAllRecords(@ForAll long seed,
                                                               @ForAll @IntRange(min = 0, max = 300) int n,
                                                               @ForAll @IntRange(min = 1, max = 7) int parts) {
        List<RequestRecord> rs = records(seed, n);
        MeasurementWindow w = new MeasurementWindow(0, Long.MAX_VALUE / 4);
        RunHistograms merged = RunHistograms.empty();
        for (int p = 0; p < parts; p++) {
            int part = p;
            merged = merged.plus(RunHistograms.of(rs.stream().filter(r -> r.index() % parts == part).toList(), w));
        }
        RunHistograms whole = RunHistograms.of(rs, w);
        for (LatencyMetric m : LatencyMetric.values()) {
            LatencyDistribution a = merged.get(m);
            LatencyDistribution b = whole.get(m);
            assertThat(a.histogram()).as(m.name()).isEqualTo(b.histogram());
            assertThat(a.count()).isEqualTo(b.count());
            assertThat(Double.valueOf(a.minNanos())).isEqualTo(Double.valueOf(b.minNanos()));
            assertThat(Double.valueOf(a.maxNanos())).isEqualTo(Double.valueOf(b.maxNanos()));
            for (double pct : new double[] {0, 1, 50, 90, 95, 99, 99.9, 100}) {
                assertThat(Double.valueOf(a.valueAtNanos(pct))).as(m + " p" + pct).isEqualTo(Double.valueOf(b.valueAtNanos(pct)));
            }
            // the sum is added in another order: equal to rounding
            assertThat(a.sumNanos()).isCloseTo(b.sumNanos(), org.assertj.core.api.Assertions.within(
                    1e-9 * Math.max(1, b.sumNanos())));
        }
    }

    @Test
    void aDistributionReadBackIsCheckedAgainstItsHistogram() {
        Histogram h = new Histogram(3);
        h.recordValue(1_000);
        h.recordValue(5_000);
        LatencyDistribution d = LatencyDistribution.of(h, 6_000, 1_000, 5_000);
        assertThat(d.stats().meanMillis()).isEqualTo(0.003);
        assertThat(d.plus(LatencyDistribution.empty())).isSameAs(d);
        assertThatThrownBy(() -> LatencyDistribution.of(h, 6_000, 2_000, 5_000))
                .hasMessageContaining("do not match the histogram's range");
        assertThatThrownBy(() -> LatencyDistribution.of(new Histogram(2), 0, 0, 0))
                .hasMessageContaining("3 significant digits");
        assertThat(LatencyDistribution.of(new Histogram(3), 0, 0, 0).count()).isZero();
    }
}
