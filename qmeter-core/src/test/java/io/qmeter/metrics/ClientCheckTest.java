package io.qmeter.metrics;

import io.qmeter.internal.LatencyRecorder;

import static io.qmeter.metrics.Recs.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientCheckTest {

    /** 101 requests, one per 10 ms over 1 s, each dispatched lagMs late and sent sendDelayMs late. */
    private static List<RequestRecord> run(double lagMs, double sendDelayMs) {
        List<RequestRecord> rs = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            double sched = i * 10;
            rs.add(Recs.ok(i, sched, sched + sendDelayMs, sched + sendDelayMs + 5, sched + sendDelayMs + 6)
                    .withDispatchNanos(ms(sched + lagMs)));
        }
        return rs;
    }

    @Test
    void aPunctualClientIsValid() {
        ClientCheck c = ClientCheck.of(run(0.05, 0.1), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.defaults());
        assertThat(c.valid()).isTrue();
        assertThat(c.reasons()).isEmpty();
        assertThat(c.scheduleLag().p99Millis()).isCloseTo(0.05, within(0.001));
        // the request due at the window's end (sent 0.1 ms after it) counts on neither side
        assertThat(c.scheduledRatePerSecond()).isCloseTo(100, within(1e-9));
        assertThat(c.achievedRatePerSecond()).isCloseTo(100, within(1e-9));
    }

    @Test
    void scheduleLagAboveTheThresholdMakesTheRunInvalid() {
        ClientCheck c = ClientCheck.of(run(8, 8), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.defaults());
        assertThat(c.valid()).isFalse();
        assertThat(c.reasons()).anySatisfy(r -> assertThat(r).contains("schedule lag p99 8.000 ms > 5.000 ms"));
        ClientCheck lenient = ClientCheck.of(run(8, 8), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.of(Duration.ofMillis(10), 0.5));
        assertThat(lenient.valid()).isTrue();
    }

    @Test
    void queueDelayIsNotLagButAMissedRateIsInvalid() {
        // dispatched on time, but sent 300 ms late (an in-flight cap): lag fine, achieved rate 70 % of scheduled
        ClientCheck c = ClientCheck.of(run(0.01, 300), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.defaults());
        assertThat(c.scheduleLag().maxMillis()).isCloseTo(0.01, within(1e-6));
        assertThat(c.achievedRatePerSecond()).isCloseTo(70, within(1e-9));
        assertThat(c.valid()).isFalse();
        assertThat(c.reasons()).singleElement().asString().contains("achieved send rate");
    }

    @Test
    void anEventLoopThatReadLateMakesTheRunInvalidEvenWhenItSentOnTime() {
        LatencyRecorder late = new LatencyRecorder();
        for (int i = 0; i < 1000; i++) {
            late.record(i < 980 ? 50_000 : 12_000_000); // 2 % of the window 12 ms late (a GC pause)
        }
        ClientCheck c = ClientCheck.of(run(0.05, 0.1), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.defaults(), late.stats());
        assertThat(c.loopDelay().count()).isEqualTo(1000);
        assertThat(c.valid()).isFalse();
        assertThat(c.reasons()).singleElement().asString()
                .contains("event-loop delay p99 12.000 ms > 5.000 ms allowed (max 12.000 ms)")
                .contains("TTFT and ITL include");
        assertThat(ClientCheck.of(run(0.05, 0.1), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.of(Duration.ofMillis(20), 0.95), late.stats()).valid()).isTrue();
    }

    @Test
    void aLoopDelayNotSampledIsEmptyAndJudgesNothing() {
        ClientCheck c = ClientCheck.of(run(0.05, 0.1), new MeasurementWindow(0, ms(1000)), 100,
                ClientCheckThresholds.defaults(), null);
        assertThat(c.valid()).isTrue();
        assertThat(c.loopDelay().count()).isZero();
        assertThat(new ClientCheck(c.scheduleLag(), null, 1, 1, 1, c.thresholds(), true, List.of()).loopDelay())
                .isEqualTo(LatencyStats.empty());
    }

    @Test
    void aShortCountBoundedRunWhoseLastSendFollowsTheWindowsEndIsValid() {
        // requests(19) at constant(20): the window ends at the last scheduled time (900 ms), and
        // every request is sent 0.2 ms after it is due, so the last send falls just after the window
        List<RequestRecord> rs = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            double sched = i * 50;
            rs.add(Recs.ok(i, sched, sched + 0.2, sched + 5, sched + 6).withDispatchNanos(ms(sched + 0.1)));
        }
        ClientCheck c = ClientCheck.of(rs, new MeasurementWindow(0, ms(900)), 20, ClientCheckThresholds.defaults());
        assertThat(c.reasons()).isEmpty();
        assertThat(c.valid()).isTrue();
        assertThat(c.scheduledRatePerSecond()).isCloseTo(20, within(1e-9));
        assertThat(c.achievedRatePerSecond()).isCloseTo(20, within(1e-9));
    }
}
