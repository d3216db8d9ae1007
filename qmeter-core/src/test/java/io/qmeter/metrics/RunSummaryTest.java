package io.qmeter.metrics;

import static io.qmeter.metrics.Recs.ms;
import static io.qmeter.metrics.Recs.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static final Offset<Double> EXACT = within(1e-9);

    private static List<RequestRecord> fourRequests() {
        return List.of(
                // TTFT 100, service TTFT 99, E2E 130, TPOT 15, ITL 10 and 20
                ok(0, 0, 1, 100, 110, 130),
                // two chunks: the second carries 3 tokens over a 60 ms gap -> ITL 20 x3, TPOT 60/3 = 20
                ok(1, 1000, 1000, new int[] {1, 3}, 4, 1200, 1260),
                Recs.failed(2, 2000, 2001, Outcome.HTTP_ERROR),
                // a timeout after a first token: a failure, never in the latency distributions
                Recs.failed(3, 3000, 3000, Outcome.TIMEOUT, 3050));
    }

    @Test
    void latenciesFromHandBuiltRecords() {
        RunSummary s = RunSummary.of(fourRequests(), new MeasurementWindow(0, ms(3000)), true);
        assertThat(s.ttft().count()).isEqualTo(2);
        assertThat(s.ttft().meanMillis()).isCloseTo(150, EXACT);
        assertThat(s.ttft().p50Millis()).isCloseTo(100, within(0.1));
        assertThat(s.ttft().p90Millis()).isCloseTo(200, within(0.2));
        assertThat(s.ttft().maxMillis()).isCloseTo(200, EXACT);
        assertThat(s.serviceTtft().minMillis()).isCloseTo(99, EXACT);
        assertThat(s.serviceTtft().maxMillis()).isCloseTo(200, EXACT);
        assertThat(s.e2e().meanMillis()).isCloseTo((130 + 260) / 2.0, EXACT);
        assertThat(s.tpot().count()).isEqualTo(2);
        assertThat(s.tpot().minMillis()).isCloseTo(15, EXACT);
        assertThat(s.tpot().maxMillis()).isCloseTo(20, EXACT);
        // ITL: 10, 20 from request 0; 60 ms spread over 3 tokens = 20, 20, 20 from request 1
        assertThat(s.itl().count()).isEqualTo(5);
        assertThat(s.itl().meanMillis()).isCloseTo((10 + 20 + 60) / 5.0, EXACT);
        assertThat(s.itl().p50Millis()).isCloseTo(20, within(0.02));
        assertThat(s.itl().minMillis()).isCloseTo(10, EXACT);
        assertThat(s.queueDelay().count()).isEqualTo(4);
        assertThat(s.queueDelay().maxMillis()).isCloseTo(1, EXACT);
    }

    @Test
    void failuresAreCountedPerOutcomeAndNeverAsSuccess() {
        RunSummary s = RunSummary.of(fourRequests(), new MeasurementWindow(0, ms(3000)), true);
        assertThat(s.measuredRequests()).isEqualTo(4);
        assertThat(s.okRequests()).isEqualTo(2);
        assertThat(s.failedRequests()).isEqualTo(2);
        assertThat(s.count(Outcome.OK)).isEqualTo(2);
        assertThat(s.count(Outcome.HTTP_ERROR)).isEqualTo(1);
        assertThat(s.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(s.count(Outcome.CANCELLED)).isZero();
        assertThat(s.outcomes()).hasSize(Outcome.values().length);
        // output tokens and throughput come from successful requests only (3 + 4), over the span that
        // runs to the last token of a measured request (3050 ms)
        assertThat(s.outputTokens()).isEqualTo(7);
        assertThat(s.measuredSpanNanos()).isEqualTo(ms(3050));
        assertThat(s.requestThroughputPerSecond()).isCloseTo(2 / 3.05, EXACT);
        assertThat(s.outputTokenThroughputPerSecond()).isCloseTo(7 / 3.05, EXACT);
        // steady-state: completions and token arrivals inside the 3 s window
        assertThat(s.windowRequestThroughputPerSecond()).isCloseTo(2 / 3.0, EXACT);
        assertThat(s.windowOutputTokenThroughputPerSecond()).isCloseTo(7 / 3.0, EXACT);
    }

    @Test
    void windowThroughputCountsOnlyWhatArrivedInsideTheWindow() {
        // window [1000, 2000] ms; a warm-up request finishing inside it counts, tokens after it do not
        List<RequestRecord> rs = List.of(
                ok(0, 500, 500, 900, 1100, 1300),      // 2 of 3 tokens in the window, completes inside
                ok(1, 1500, 1500, 1900, 2100),         // 1 of 2 tokens inside, completes after
                ok(2, 1800, 1800, new int[] {2, 2}, 4, 1850, 1950)); // 4 tokens inside, completes inside
        RunSummary s = RunSummary.of(rs, new MeasurementWindow(ms(1000), ms(2000)), true);
        assertThat(s.windowRequestThroughputPerSecond()).isCloseTo(2.0, EXACT);
        assertThat(s.windowOutputTokenThroughputPerSecond()).isCloseTo(2 + 1 + 4, EXACT);
        assertThat(s.measuredRequests()).isEqualTo(2);
    }

    @Test
    void aRunOfOnlyFailuresHasNoSuccessAndEmptyLatencies() {
        List<RequestRecord> rs = List.of(Recs.failed(0, 0, 1, Outcome.CONNECTION_ERROR),
                Recs.failed(1, 10, -1, Outcome.CANCELLED));
        RunSummary s = RunSummary.of(rs, new MeasurementWindow(0, ms(100)), true);
        assertThat(s.okRequests()).isZero();
        assertThat(s.failedRequests()).isEqualTo(2);
        assertThat(s.ttft().count()).isZero();
        assertThat(s.ttft().p50Millis()).isNaN();
        assertThat(s.requestThroughputPerSecond()).isZero();
        assertThat(s.queueDelay().count()).as("a request never sent has no queue delay").isEqualTo(1);
    }

    @Test
    void warmupAndCooldownAreExcluded() {
        List<RequestRecord> rs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rs.add(ok(i, i * 100, i * 100, i * 100 + 50, i * 100 + 60));
        }
        // window [200, 700]: 0,100 warm-up; 200..700 measured (6); 800, 900 cool-down
        RunSummary s = RunSummary.of(rs, new MeasurementWindow(ms(200), ms(700)), true);
        assertThat(s.totalRequests()).isEqualTo(10);
        assertThat(s.warmupRequests()).isEqualTo(2);
        assertThat(s.cooldownRequests()).isEqualTo(2);
        assertThat(s.measuredRequests()).isEqualTo(6);
        assertThat(s.ttft().count()).isEqualTo(6);
    }

    @Test
    void percentilesOfAThousandValues() {
        List<RequestRecord> rs = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            rs.add(ok(i, 0, 0, i, i + 1));
        }
        RunSummary s = RunSummary.of(rs, new MeasurementWindow(0, 0), true);
        LatencyStats t = s.ttft();
        assertThat(t.count()).isEqualTo(1000);
        assertThat(t.meanMillis()).isCloseTo(500.5, EXACT);
        assertThat(t.p50Millis()).isCloseTo(500, within(0.5));
        assertThat(t.p90Millis()).isCloseTo(900, within(0.9));
        assertThat(t.p95Millis()).isCloseTo(950, within(0.95));
        assertThat(t.p99Millis()).isCloseTo(990, within(0.99));
        assertThat(t.p999Millis()).isCloseTo(999, within(1.0));
        assertThat(t.maxMillis()).isCloseTo(1000, EXACT);
        assertThat(t.minMillis()).isCloseTo(1, EXACT);
    }

    @Test
    void servedLengthMismatchesAreCounted() {
        RequestRecord exact = ok(0, 0, 0, 10, 20);
        RequestRecord shortOut = new RequestRecord(1, 0, 0, ms(10), ms(20), new long[] {ms(10), ms(20)}, null, 10,
                12, 5, 2, false, "stop", Outcome.OK, 200, null, null);
        RequestRecord noUsage = new RequestRecord(2, 0, 0, ms(10), ms(20), new long[] {ms(10), ms(20)}, null, 10,
                -1, 2, 2, true, "length", Outcome.OK, 200, null, null);
        List<RequestRecord> rs = List.of(exact, shortOut, noUsage);
        RunSummary withIgnoreEos = RunSummary.of(rs, new MeasurementWindow(0, 0), true);
        assertThat(withIgnoreEos.inputLengthMismatches()).isEqualTo(1);
        assertThat(withIgnoreEos.outputLengthMismatches()).isEqualTo(1);
        assertThat(withIgnoreEos.outputCountedFromChunks()).isEqualTo(1);
        assertThat(RunSummary.of(rs, new MeasurementWindow(0, 0), false).outputLengthMismatches()).isZero();
    }

    @Test
    void aOneTokenAnswerHasNoTpotOrItl() {
        RunSummary s = RunSummary.of(List.of(ok(0, 0, 0, 42)), new MeasurementWindow(0, 0), true);
        assertThat(s.tpot().count()).isZero();
        assertThat(s.itl().count()).isZero();
        assertThat(s.ttft().count()).isEqualTo(1);
    }

    private static RequestRecord withServer(RequestRecord r, boolean retried, ServerTimings t) {
        return new RequestRecord(r.index(), r.scheduledNanos(), r.sentNanos(), r.firstTokenNanos(),
                r.lastTokenNanos(), r.chunkNanos(), r.chunkTokens(), r.inputTokensRequested(), r.inputTokensServed(),
                r.outputTokensRequested(), r.outputTokensServed(), r.outputCountedFromChunks(), r.finishReason(),
                r.outcome(), r.httpStatus(), r.error(), r.text(), r.dispatchNanos(), retried, t);
    }

    @Test
    void serverPromptTimeAndTheClientShareOfTtftAndRetriesAreSummarised() {
        List<RequestRecord> rs = List.of(
                // TTFT 100 ms of which the server's prefill took 60 ms: the client's share 40 ms
                withServer(ok(0, 0, 1, 100, 110), true, new ServerTimings(5, 60.0, 2, 10.0, -1)),
                // TTFT 50 ms, prefill 45 ms: share 5 ms
                withServer(ok(1, 1000, 1000, 1050, 1060), false, new ServerTimings(5, 45.0, 2, 10.0, 3)),
                // no timings: counted in TTFT only
                ok(2, 2000, 2000, 2070, 2080));
        RunSummary s = RunSummary.of(rs, new MeasurementWindow(0, ms(3000)), true);
        assertThat(s.ttft().count()).isEqualTo(3);
        assertThat(s.serverPromptTime().count()).isEqualTo(2);
        assertThat(s.serverPromptTime().maxMillis()).isCloseTo(60, EXACT);
        assertThat(s.clientShareOfTtft().count()).isEqualTo(2);
        assertThat(s.clientShareOfTtft().minMillis()).isCloseTo(5, EXACT);
        assertThat(s.clientShareOfTtft().maxMillis()).isCloseTo(40, EXACT);
        assertThat(s.retriedRequests()).isEqualTo(1);
    }
}
