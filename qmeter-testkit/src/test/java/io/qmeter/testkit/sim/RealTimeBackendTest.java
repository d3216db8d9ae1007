package io.qmeter.testkit.sim;

import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RealTimeBackendTest {

    private static final SimConfig SMALL = SimConfig.builder().model("Llama-2-7B").quantization("W4A16-INT").seed(5).build();

    /** Records one request's outcome. */
    static final class Sink implements TokenSink {
        final AtomicInteger tokens = new AtomicInteger();
        final CompletableFuture<String> finished = new CompletableFuture<>();
        final CountDownLatch firstToken = new CountDownLatch(1);
        final AtomicReference<String> error = new AtomicReference<>();
        volatile long lastNanos = Long.MIN_VALUE;
        volatile boolean ordered = true;

        @Override
        public void onTokens(int count, long nanoTime) {
            if (nanoTime < lastNanos) {
                ordered = false;
            }
            lastNanos = nanoTime;
            tokens.addAndGet(count);
            firstToken.countDown();
        }

        @Override
        public void onFinish(String finishReason, int promptTokens, int completionTokens) {
            finished.complete(finishReason + " " + promptTokens + " " + completionTokens);
        }

        @Override
        public void onError(String message) {
            error.set(message);
            finished.complete("error: " + message);
        }
    }

    @Test
    void producesExactlyMaxTokensThenFinishesWithLength() throws Exception {
        try (RealTimeBackend b = RealTimeBackend.create(SMALL)) {
            Sink s = new Sink();
            b.submit(new SimRequest(100, 20, true, 1), s);
            assertThat(s.finished.get(10, TimeUnit.SECONDS)).isEqualTo("length 100 20");
            assertThat(s.tokens.get()).isEqualTo(20);
            assertThat(s.ordered).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().requestsFinished() == 1);
            BackendStats st = b.stats();
            assertThat(st.promptTokensTotal()).isEqualTo(100);
            assertThat(st.generationTokensTotal()).isEqualTo(20);
            assertThat(st.running()).isZero();
            assertThat(st.kvCacheUsage()).isZero();
        }
    }

    @Test
    void aRequestBeyondTheContextIsRejectedAtOnce() {
        try (RealTimeBackend b = RealTimeBackend.create(SMALL)) {
            Sink s = new Sink();
            b.submit(new SimRequest(4000, 200, true, 1), s);
            assertThat(s.error.get()).isEqualTo("prompt (4000 tokens) + max_tokens (200) = 4200 exceeds the model's context"
                    + " length 4096; shorten the prompt or lower max_tokens");
            assertThat(b.contextLength()).isEqualTo(4096);
        }
    }

    @Test
    void withoutIgnoreEosARequestStopsAtASeededNaturalLength() throws Exception {
        String first;
        try (RealTimeBackend b = RealTimeBackend.create(SMALL)) {
            Sink s = new Sink();
            b.submit(new SimRequest(50, 100, false, 77), s);
            first = s.finished.get(10, TimeUnit.SECONDS);
        }
        try (RealTimeBackend b = RealTimeBackend.create(SMALL)) {
            Sink s = new Sink();
            b.submit(new SimRequest(50, 100, false, 77), s);
            assertThat(s.finished.get(10, TimeUnit.SECONDS)).isEqualTo(first);
        }
        String[] parts = first.split(" ");
        int completion = Integer.parseInt(parts[2]);
        assertThat(completion).isBetween(25, 100);
        assertThat(parts[0]).isEqualTo(completion < 100 ? "stop" : "length");
    }

    @Test
    void cancelStopsTokensAndFreesTheCache() throws Exception {
        try (RealTimeBackend b = RealTimeBackend.create(SMALL)) {
            Sink s = new Sink();
            ServingBackend.Submission sub = b.submit(new SimRequest(200, 3000, true, 1), s);
            assertThat(s.firstToken.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().kvCacheUsage() > 0);
            sub.cancel();
            sub.cancel();
            await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().running() == 0 && b.stats().kvCacheUsage() == 0);
            int after = s.tokens.get();
            // a later request completes, and the cancelled one got no more than one in-flight token
            Sink t = new Sink();
            b.submit(new SimRequest(10, 5, true, 2), t);
            assertThat(t.finished.get(10, TimeUnit.SECONDS)).isEqualTo("length 10 5");
            assertThat(s.tokens.get()).isBetween(after, after + 1);
            assertThat(s.finished).isNotDone();
        }
    }

    @Test
    void closeFailsRequestsInFlightAndIsIdempotent() throws Exception {
        RealTimeBackend b = RealTimeBackend.create(SMALL);
        Sink s = new Sink();
        b.submit(new SimRequest(100, 3000, true, 1), s);
        assertThat(s.firstToken.await(10, TimeUnit.SECONDS)).isTrue();
        b.close();
        b.close();
        assertThat(s.finished.get(5, TimeUnit.SECONDS)).startsWith("error: the simulated engine shut down");
        Sink late = new Sink();
        b.submit(new SimRequest(10, 10, true, 2), late);
        assertThat(late.error.get()).isEqualTo("the simulated engine is shut down");
    }

    @Test
    void powerSensorHasOneEstimatedDevicePerRankAndStaysWithinIdleAndTdp() throws Exception {
        SimConfig tp2 = SimConfig.builder().model("Llama-2-13B").tensorParallel(2).build();
        try (RealTimeBackend b = RealTimeBackend.create(tp2)) {
            var sensor = b.powerSensor();
            assertThat(sensor.name()).isEqualTo("simulated");
            assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.ESTIMATED);
            assertThat(sensor.capability().devices()).containsExactly("sim-gpu-0", "sim-gpu-1");
            assertThat(sensor.measureIdleWatts(Duration.ofSeconds(5))).isEqualTo(140.0);
            EnergyReading busy;
            try (EnergyWindow w = sensor.open()) {
                Sink[] sinks = new Sink[8];
                for (int i = 0; i < sinks.length; i++) {
                    sinks[i] = new Sink();
                    b.submit(new SimRequest(300, 60, true, i), sinks[i]);
                }
                for (Sink s : sinks) {
                    assertThat(s.finished.get(20, TimeUnit.SECONDS)).startsWith("length");
                }
                busy = w.end();
                assertThat(w.end()).isSameAs(busy);
            }
            System.out.printf("TP2 13B busy window: %.1f J over %.3f s = %.0f W (2 GPUs, idle 140 W, TDP 1400 W)%n",
                    busy.joules(), busy.durationNanos() / 1e9, busy.averageWatts());
            assertThat(busy.devices()).hasSize(2);
            assertThat(busy.quality()).isEqualTo(EnergyQuality.ESTIMATED);
            assertThat(busy.averageWatts()).isBetween(140.0, 1400.0);
            assertThat(busy.devices().get(0).joules() * 2).isCloseTo(busy.joules(), org.assertj.core.data.Offset.offset(1e-9));
            double before = sensor.totalJoules();
            double after = sensor.totalJoules();
            assertThat(after).isGreaterThanOrEqualTo(before);
        }
    }
}
