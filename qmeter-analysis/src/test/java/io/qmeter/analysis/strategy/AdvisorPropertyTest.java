package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;
import io.qmeter.analysis.provision.Deployment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The advisor never returns a configuration that violates an SLO on the profiles it was given. */
class AdvisorPropertyTest {

    @Provide
    Arbitrary<List<ConfigProfile>> profiles() {
        return profile().list().ofMinSize(1).ofMaxSize(8);
    }

    Arbitrary<ConfigProfile> profile() {
        Arbitrary<List<double[]>> pts = Combinators.combine(Arbitraries.doubles().between(0.1, 50),
                Arbitraries.doubles().between(1, 3000), Arbitraries.doubles().between(1, 400),
                Arbitraries.doubles().between(0.05, 5)).as((r, ttft, tpot, j) -> new double[] {r, ttft, tpot, j})
                .list().ofMinSize(1).ofMaxSize(6).uniqueElements(a -> a[0]);
        return Combinators.combine(pts, Arbitraries.of("M-7B", "M-13B", "M-70B"), Arbitraries.of("FP16", "Q8", "Q4"),
                Arbitraries.of(1, 2, 4, 8), Arbitraries.doubles().between(0, 100), Arbitraries.doubles().between(0.3, 1.2))
                .as((p, model, method, tp, quality, xsFactor) -> {
                    List<LoadPoint> lp = new ArrayList<>();
                    double max = 0;
                    for (double[] a : p) {
                        lp.add(new LoadPoint(a[0], a[1], a[2], a[3], a[3] * a[0] * 50));
                        max = Math.max(max, a[0]);
                    }
                    return new ConfigProfile(new ProfileKey(model, method, "G", tp, "w"), Math.min(max, max * xsFactor),
                            lp, Map.of("t", quality), false);
                });
    }

    @Property(tries = 400, seed = "20261202")
    void everyChoiceMeetsEverySloOnItsProfile(@ForAll("profiles") List<ConfigProfile> raw,
                                              @ForAll @DoubleRange(min = 20, max = 3000) double ttftMs,
                                              @ForAll @DoubleRange(min = 5, max = 400) double tpotMs,
                                              @ForAll @DoubleRange(min = 0, max = 100) double minQuality,
                                              @ForAll @DoubleRange(min = 0.05, max = 500) double rate) {
        List<ConfigProfile> unique = new ArrayList<>();
        raw.stream().filter(p -> unique.stream().noneMatch(q -> q.key().equals(p.key()))).forEach(unique::add);
        ProfileSet set = ProfileSet.of(unique);
        Slo slo = Slo.of(Duration.ofNanos((long) (ttftMs * 1e6)), Duration.ofNanos((long) (tpotMs * 1e6)), minQuality);
        Optional<Deployment> d = Advisor.of(set).choose("w", "t", slo, rate);
        boolean anyCandidate = unique.stream().anyMatch(p -> p.quality("t").getAsDouble() >= minQuality
                && p.saturationUnder(slo) > 0);
        assertThat(d.isPresent()).isEqualTo(anyCandidate);
        if (d.isEmpty()) {
            return;
        }
        Deployment dep = d.get();
        ConfigProfile p = dep.profile();
        double perInstance = dep.ratePerInstance();
        assertThat(dep.totalRate()).isEqualTo(rate);
        assertThat(p.quality("t").getAsDouble()).isGreaterThanOrEqualTo(minQuality);
        assertThat(perInstance).isLessThanOrEqualTo(p.saturationRate() * (1 + 1e-9));
        assertThat(slo.latencyMet(dep.perInstance())).isTrue();
        // every measured point up to the per-instance rate (and the next one above it) meets the latency SLO
        LoadPoint next = null;
        for (LoadPoint lp : p.points()) {
            if (lp.ratePerSecond() <= perInstance) {
                assertThat(slo.latencyMet(lp)).isTrue();
            } else if (next == null) {
                next = lp;
            }
        }
        if (next != null) {
            assertThat(slo.latencyMet(next)).isTrue();
        }
    }
}
