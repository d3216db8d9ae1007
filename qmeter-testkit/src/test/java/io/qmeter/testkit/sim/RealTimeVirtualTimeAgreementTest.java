package io.qmeter.testkit.sim;

import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs one seeded trace through {@link RealTimeBackend} (submitting at the trace's times, with a
 * tiny harness and no HTTP) and through {@link VirtualTimeSimulator}, and compares per-request TTFT
 * and E2E.
 */
class RealTimeVirtualTimeAgreementTest {

    /**
     * The harness hands each request over this long before its arrival time (the backend holds it
     * until then): on a loaded 2-core machine a thread can be descheduled for 100+ ms, and a request
     * handed over after its arrival iteration was planned would join the next one.
     */
    private static final long LEAD_NANOS = 1_000_000_000L;

    static final class Recorder implements TokenSink {
        final CountDownLatch done;
        volatile long firstActual = -1;
        volatile long lastActual = -1;
        volatile long firstModel = -1;
        volatile long lastModel = -1;
        volatile int tokens;
        volatile String error;

        Recorder(CountDownLatch done) {
            this.done = done;
        }

        @Override
        public void onTokens(int count, long nanoTime) {
            long now = System.nanoTime();
            if (firstActual < 0) {
                firstActual = now;
                firstModel = nanoTime;
            }
            lastActual = now;
            lastModel = nanoTime;
            tokens += count;
        }

        @Override
        public void onFinish(String finishReason, int promptTokens, int completionTokens) {
            done.countDown();
        }

        @Override
        public void onError(String message) {
            error = message;
            done.countDown();
        }
    }

    @Test
    void realAndVirtualTimeAgreeOnASeededTrace() throws Exception {
        SimConfig config = SimConfig.builder().model("Llama-2-7B").gpu("H100-80GB").seed(11).build();
        ArrivalTrace trace = ArrivalTrace.poisson(15, 40,
                new LengthDistribution(200, 0.6, 16, 1024, 40, 0.5, 4, 128), 2024L);
        List<TraceRequest> reqs = trace.requests();
        SimulationResult virtual = new VirtualTimeSimulator(config).run(trace);

        int n = reqs.size();
        Recorder[] rec = new Recorder[n];
        long[] arrival = new long[n];
        CountDownLatch done = new CountDownLatch(n);
        EnergyReading energy;
        long windowNanos;
        try (RealTimeBackend backend = RealTimeBackend.create(config)) {
            warmUp(backend);
            EnergyWindow window = backend.powerSensor().open();
            long t0 = System.nanoTime() + LEAD_NANOS;
            for (int i = 0; i < n; i++) {
                TraceRequest r = reqs.get(i);
                arrival[i] = t0 + r.arrivalNanos();
                long submitAt = arrival[i] - LEAD_NANOS;
                for (long left = submitAt - System.nanoTime(); left > 0; left = submitAt - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                rec[i] = new Recorder(done);
                backend.submit(new SimRequest(r.promptTokens(), r.maxTokens(), true, i), rec[i], arrival[i]);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all requests finished within 60 s").isTrue();
            energy = window.end();
            windowNanos = energy.durationNanos();
        }

        long[] modelTtftDiff = new long[n];
        long[] modelE2eDiff = new long[n];
        long[] ttftDiff = new long[n];
        long[] e2eDiff = new long[n];
        for (int i = 0; i < n; i++) {
            RequestResult v = virtual.requests().get(i);
            assertThat(rec[i].error).as("request %d error", i).isNull();
            assertThat(rec[i].tokens).as("request %d tokens", i).isEqualTo(v.outputTokens()).isEqualTo(reqs.get(i).maxTokens());
            modelTtftDiff[i] = Math.abs(rec[i].firstModel - arrival[i] - v.ttftNanos());
            modelE2eDiff[i] = Math.abs(rec[i].lastModel - arrival[i] - v.e2eNanos());
            ttftDiff[i] = Math.abs(rec[i].firstActual - arrival[i] - v.ttftNanos());
            e2eDiff[i] = Math.abs(rec[i].lastActual - arrival[i] - v.e2eNanos());
        }
        double idleWatts = config.gpu().idleWatts() * config.tensorParallel();
        double expectedJoules = virtual.energyJoules() + idleWatts * (windowNanos - virtual.durationNanos()) / 1e9;
        String report = String.format(Locale.ROOT,
                "%d requests, virtual P50 TTFT %.1f ms / E2E %.1f ms; real-virtual |dTTFT| median %.3f ms, p95 %.3f ms, max %.3f ms;"
                        + " |dE2E| median %.3f ms, p95 %.3f ms, max %.3f ms; model-time max |d| %d ns / %d ns;"
                        + " energy real %.1f J vs virtual+idle %.1f J",
                n, virtual.ttftPercentileNanos(50) / 1e6, virtual.e2ePercentileNanos(50) / 1e6, pct(ttftDiff, 50) / 1e6,
                pct(ttftDiff, 95) / 1e6, pct(ttftDiff, 100) / 1e6, pct(e2eDiff, 50) / 1e6, pct(e2eDiff, 95) / 1e6,
                pct(e2eDiff, 100) / 1e6, pct(modelTtftDiff, 100), pct(modelE2eDiff, 100), energy.joules(), expectedJoules);
        System.out.println("real time vs virtual time: " + report);
        System.out.println("per-request |dTTFT| / |dE2E| in microseconds: " + java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> ttftDiff[i] / 1000 + "/" + e2eDiff[i] / 1000).collect(java.util.stream.Collectors.joining(" ")));
        // same scheduler, same roofline, same admission rule: the modelled timelines are identical
        assertThat(pct(modelTtftDiff, 100)).as(report).isLessThanOrEqualTo(1_000);
        assertThat(pct(modelE2eDiff, 100)).as(report).isLessThanOrEqualTo(1_000);
        // delivery in wall-clock time: parkNanos + spin, late only by the thread's wake-up jitter. Only
        // the median is asserted: on a loaded 2-core machine the iteration thread is sometimes
        // descheduled for 100+ ms, which delays the few tokens due meanwhile (the tails are printed)
        assertThat(pct(ttftDiff, 50)).as(report).isLessThan(2_000_000);
        assertThat(pct(e2eDiff, 50)).as(report).isLessThan(2_000_000);
        assertThat(energy.joules()).as(report).isCloseTo(expectedJoules, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void plainSubmissionsAtTheTraceTimesAgreeWithinAnIteration() throws Exception {
        // the HTTP front's path: submit(request, sink) exactly at each trace time, arrival = now
        SimConfig config = SimConfig.builder().model("Llama-2-7B").gpu("H100-80GB").seed(11).build();
        ArrivalTrace trace = ArrivalTrace.poisson(15, 40,
                new LengthDistribution(200, 0.6, 16, 1024, 40, 0.5, 4, 128), 2024L);
        List<TraceRequest> reqs = trace.requests();
        SimulationResult virtual = new VirtualTimeSimulator(config).run(trace);
        int n = reqs.size();
        Recorder[] rec = new Recorder[n];
        long[] scheduled = new long[n];
        long[] lag = new long[n];
        CountDownLatch done = new CountDownLatch(n);
        try (RealTimeBackend backend = RealTimeBackend.create(config)) {
            warmUp(backend);
            long t0 = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < n; i++) {
                TraceRequest r = reqs.get(i);
                scheduled[i] = t0 + r.arrivalNanos();
                for (long left = scheduled[i] - System.nanoTime(); left > 0; left = scheduled[i] - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                rec[i] = new Recorder(done);
                lag[i] = System.nanoTime() - scheduled[i];
                backend.submit(new SimRequest(r.promptTokens(), r.maxTokens(), true, i), rec[i]);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all requests finished within 60 s").isTrue();
        }
        long[] ttftDiff = new long[n];
        long[] e2eDiff = new long[n];
        for (int i = 0; i < n; i++) {
            RequestResult v = virtual.requests().get(i);
            assertThat(rec[i].error).isNull();
            ttftDiff[i] = Math.abs(rec[i].firstActual - scheduled[i] - v.ttftNanos());
            e2eDiff[i] = Math.abs(rec[i].lastActual - scheduled[i] - v.e2eNanos());
        }
        String report = String.format(Locale.ROOT,
                "plain submit at trace times: submit lag median %.3f ms, max %.3f ms; |dTTFT| median %.3f ms, p90 %.3f ms,"
                        + " max %.3f ms; |dE2E| median %.3f ms, p90 %.3f ms, max %.3f ms",
                pct(lag, 50) / 1e6, pct(lag, 100) / 1e6, pct(ttftDiff, 50) / 1e6, pct(ttftDiff, 90) / 1e6,
                pct(ttftDiff, 100) / 1e6, pct(e2eDiff, 50) / 1e6, pct(e2eDiff, 90) / 1e6, pct(e2eDiff, 100) / 1e6);
        System.out.println("real time vs virtual time, " + report);
        // a request whose hand-over lags past an iteration boundary joins the next iteration
        // (one decode iteration of this model is about 6 ms) and may shift others: the median stays
        // within an iteration or two
        assertThat(pct(ttftDiff, 50)).as(report).isLessThan(10_000_000);
        assertThat(pct(e2eDiff, 50)).as(report).isLessThan(10_000_000);
    }

    /** Runs a few requests first so the iteration loop and the harness are JIT-compiled. */
    private static void warmUp(RealTimeBackend backend) throws InterruptedException {
        CountDownLatch warm = new CountDownLatch(30);
        for (int i = 0; i < 30; i++) {
            backend.submit(new SimRequest(64, 32, true, i), new Recorder(warm));
        }
        assertThat(warm.await(30, TimeUnit.SECONDS)).as("warm-up finished").isTrue();
    }

    private static long pct(long[] v, int p) {
        long[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
