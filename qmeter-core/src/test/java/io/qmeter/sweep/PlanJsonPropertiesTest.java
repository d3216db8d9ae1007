package io.qmeter.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PlanJsonPropertiesTest {

    @Provide
    Arbitrary<EngineSettings> settings() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withChars("-./_ ÄΩ\"\\").ofMinLength(1)
                .ofMaxLength(12).filter(s -> !s.isBlank());
        return Combinators.combine(Arbitraries.of("vllm", "sglang", "tensorrt-llm", "llama.cpp"), word,
                Arbitraries.of("fp16", "awq", "gptq", "fp8", "w4a16-int"), Arbitraries.of(1, 2, 4, 8),
                Arbitraries.of("H100", "H200", "A100 80GB"), word.list().ofMaxSize(3))
                .as((e, m, q, tp, g, args) -> new EngineSettings(e, m.trim(), q, tp, g, args));
    }

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<List<EngineSettings>> configs = settings().list().ofMinSize(1).ofMaxSize(4).uniqueElements(
                EngineSettings::id);
        Arbitrary<List<Double>> abs = Arbitraries.doubles().between(0.01, 500).ofScale(3).list().ofMaxSize(3)
                .uniqueElements(d -> RatePoint.absolute(d).label());
        Arbitrary<List<Double>> frac = Arbitraries.doubles().between(0.05, 4).ofScale(2).list().ofMaxSize(3)
                .uniqueElements(d -> RatePoint.fractionOfSaturation(d).label());
        Arbitrary<Slo> slo = Combinators.combine(Arbitraries.of(50.0, 90.0, 95.0, 99.0, 99.9),
                Arbitraries.longs().between(1, 10_000))
                .as((q, ms) -> Slo.builder().ttft(Percentile.of(q), Duration.ofMillis(ms))
                        .tpot(Percentile.of(90), Duration.ofMillis(200)).build());
        Arbitrary<RunLength> length = Arbitraries.oneOf(Arbitraries.integers().between(1, 5000).map(RunLength::requests),
                Arbitraries.longs().between(1, 10_000).map(ms -> RunLength.duration(Duration.ofMillis(ms))));
        return Combinators.combine(configs, abs, frac, slo, length, Arbitraries.integers().between(1, 5),
                Arbitraries.longs(), Arbitraries.integers().between(0, 50))
                .as((c, a, f, s, l, reps, seed, warm) -> {
                    if (a.isEmpty() && f.isEmpty()) {
                        a = List.of(1.0);
                    }
                    return Plan.builder("plan-" + Math.abs(seed % 1000)).configurations(c)
                            .workload(WorkloadSpec.synthetic(1 + warm, 2 + warm)).slo(s)
                            .rates(a.stream().mapToDouble(Double::doubleValue).toArray())
                            .saturationFractions(f.stream().mapToDouble(Double::doubleValue).toArray())
                            .repetitions(reps).runLength(l.withWarmupRequests(warm)).seed(seed).build();
                });
    }

    @Property(tries = 200, seed = "20261127")
    void writingThenReadingGivesTheSamePlanAndTheSamePoints(@ForAll("plans") Plan plan) {
        Plan back = Plan.fromJson(plan.toJson());
        assertThat(back).isEqualTo(plan);
        assertThat(back.points()).isEqualTo(plan.points());
    }

    @Property(tries = 200, seed = "20261127")
    void configurationIdsAreValidRunKeyParts(@ForAll("settings") EngineSettings s) {
        assertThat(s.id()).matches("[a-z0-9.-]+-tp[1248]-[a-z0-9.-]+-[0-9a-f]{10}").hasSizeLessThanOrEqualTo(200);
    }
}
