package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The strategies on a tiny hand-made profile set, every figure computed by hand in the comments. */
class StrategiesTest {

    static ConfigProfile prof(String model, String method, double quality, double r1, double j1, double r2, double j2) {
        return new ConfigProfile(new ProfileKey(model, method, "G", 1, "w"), r2,
                List.of(new LoadPoint(r1, 100, 20, j1, j1 * r1 * 100), new LoadPoint(r2, 200, 30, j2, j2 * r2 * 100)),
                Map.of("t", quality), false);
    }

    final ProfileSet set = ProfileSet.of(List.of(
            prof("M-13B", "FP16", 60, 5, 1.0, 10, 0.8),      // x_s 10
            prof("M-13B", "Q8", 58, 10, 0.6, 20, 0.5),       // x_s 20
            prof("M-13B", "Q4", 40, 20, 0.4, 40, 0.3),       // x_s 40, fails the quality floor 50
            prof("M-7B", "Q8", 55, 20, 0.25, 40, 0.2)));     // x_s 40, another size
    final RequestType type = new RequestType("A", "t", "w", "M-13B",
            Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 50), 100);
    // one step of 1 s at 30 req/s, 100 output tokens per request
    final ClusterTrace trace = new ClusterTrace(List.of(new TraceStep(Duration.ZERO, Duration.ofSeconds(1),
            Map.of("A", 30.0), Map.of("A", 100.0))), 1L);

    StrategyOutcome run(Strategy s) {
        return StrategyEvaluation.run(trace, List.of(type), set, s);
    }

    @Test
    void fp16OnlyTakesCeilOfRateOverXs() {
        // ⌈30/10⌉ = 3 instances at 10 req/s: 0.8 J/token, 3 GPUs, FP16 quality 60 ≥ 50
        StrategyOutcome o = run(Strategies.fp16Only());
        assertThat(o.averageGpus()).isEqualTo(3);
        assertThat(o.joulesPerToken()).isCloseTo(0.8, within(1e-12));
        assertThat(o.sloAttainment()).isEqualTo(1);
    }

    @Test
    void qualityFirstPicksTheBestQualityMethod() {
        // FP16 (60) is the best: as FP16-Only. Quantized only: Q8 (58): ⌈30/20⌉ = 2 at 15: 0.6 − 0.1·5/10 = 0.55
        assertThat(run(Strategies.qualityFirst()).joulesPerToken()).isCloseTo(0.8, within(1e-12));
        StrategyOutcome q = run(Strategies.qualityFirst(true));
        assertThat(q.averageGpus()).isEqualTo(2);
        assertThat(q.joulesPerToken()).isCloseTo(0.55, within(1e-12));
    }

    @Test
    void energyFirstIgnoresQuality() {
        // J/token at x_s: FP16 0.8, Q8 0.5, Q4 0.3 → Q4, 1 instance at 30: 0.35 J/token; quality 40 < 50
        StrategyOutcome o = run(Strategies.energyFirst());
        assertThat(o.averageGpus()).isEqualTo(1);
        assertThat(o.joulesPerToken()).isCloseTo(0.35, within(1e-12));
        assertThat(o.latencyAttainment()).isEqualTo(1);
        assertThat(o.qualityAttainment()).isZero();
        assertThat(o.sloAttainment()).isZero();
    }

    @Test
    void advisorPicksTheLeastEnergyConfigurationMeetingEverySlo() {
        Advisor a = Advisor.of(set);
        // band top of 30 with 10 % bands: 1.1^36 = 30.91; 7B Q8: 1 instance → at 30: 0.25 − 0.05·10/20 = 0.225
        assertThat(a.bandTop(30)).isCloseTo(Math.pow(1.1, 36), within(1e-9));
        StrategyOutcome o = run(a);
        assertThat(o.averageGpus()).isEqualTo(1);
        assertThat(o.joulesPerToken()).isCloseTo(0.225, within(1e-12));
        assertThat(o.sloAttainment()).isEqualTo(1);
        // on the pool's own model: Q4 fails quality; Q8 2 instances (0.546 at the band top) beats FP16 4 (0.909):
        // carries 30 as 2 × 15 → 0.55
        StrategyOutcome p = run(a.withPoolModelOnly(true));
        assertThat(p.averageGpus()).isEqualTo(2);
        assertThat(p.joulesPerToken()).isCloseTo(0.55, within(1e-12));
        assertThat(p.sloAttainment()).isEqualTo(1);
    }

    @Test
    void planFollowsAUserCurveAndSaysWhenItReplans() {
        List<PlanStep> plan = Advisor.of(set).plan("w", "t", type.slo(), List.of(new TrafficPoint(Duration.ZERO, 30),
                new TrafficPoint(Duration.ofHours(1), 31), new TrafficPoint(Duration.ofHours(2), 60)));
        assertThat(plan).extracting(PlanStep::replanned).containsExactly(true, false, true);
        assertThat(plan.get(2).deployment().instances()).isEqualTo(2);
        assertThat(plan.get(2).deployment().profile().key().model()).isEqualTo("M-7B");
    }

    @Test
    void syntheticTraceHasTheSeedsShape() {
        ClusterTrace t = ClusterTrace.synthetic(RequestType.seedTypes(), ClusterTrace.SEED_SHARES, 150, 48,
                Duration.ofMinutes(30), 7L);
        assertThat(t.steps()).hasSize(48);
        assertThat(t.totalRange()[0]).isGreaterThan(100);
        assertThat(t.totalRange()[1]).isGreaterThan(t.totalRange()[0] * 1.5);   // varies over the day
        for (TraceStep s : t.steps()) {
            assertThat(s.rates().get("chat-S") / s.rates().get("chat-R")).isCloseTo(4, within(1e-9));
            assertThat(s.meanOutputTokens().get("code")).isBetween(50.0, 90.0);
        }
        assertThat(ClusterTrace.synthetic(RequestType.seedTypes(), ClusterTrace.SEED_SHARES, 150, 48,
                Duration.ofMinutes(30), 7L)).isEqualTo(t);
    }
}
