package io.qmeter.analysis.provision;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProvisionerTest {

    static ConfigProfile prof(String method, int tp, double... rateJpt) {
        LoadPoint[] pts = new LoadPoint[rateJpt.length / 2];
        for (int i = 0; i < pts.length; i++) {
            double r = rateJpt[2 * i];
            double j = rateJpt[2 * i + 1];
            pts[i] = new LoadPoint(r, 100 + r, 20, j, j * r * 100);
        }
        return new ConfigProfile(new ProfileKey("M-13B", method, "H100", tp, "w"), pts[pts.length - 1].ratePerSecond(),
                List.of(pts), Map.of(), false);
    }

    static final Slo LOOSE = Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 0);

    @Property(tries = 500, seed = "20261202")
    void instancesAreTheCeilingNeverOverXsAndMonotoneInRate(@ForAll @DoubleRange(min = 0.01, max = 5000) double x,
                                                            @ForAll @DoubleRange(min = 0.01, max = 5000) double dx,
                                                            @ForAll @DoubleRange(min = 0.1, max = 300) double xs) {
        int n = Provisioner.instancesFor(x, xs);
        assertThat(n).isGreaterThanOrEqualTo(1);
        assertThat(x / n).isLessThanOrEqualTo(xs * (1 + 1e-9));                // never over x_s per instance
        if (n > 1) {
            assertThat(x / (n - 1)).isGreaterThan(xs * (1 - 1e-9));           // the fewest that do
        }
        assertThat(Provisioner.instancesFor(x + dx, xs)).isGreaterThanOrEqualTo(n); // monotone in x
        ConfigProfile p = prof("Q", 2, xs / 4, 0.8, xs / 2, 0.5, xs, 0.4);
        Deployment d = Provisioner.provision(p, xs, x);
        assertThat(d.instances()).isEqualTo(n);
        assertThat(d.gpus()).isEqualTo(2 * n);
        assertThat(d.ratePerInstance() * d.instances()).isCloseTo(x, within(1e-9 * x));   // even split, all load carried
        assertThat(d.ratePerInstance()).isLessThanOrEqualTo(xs * (1 + 1e-9));
        assertThat(d.watts()).isCloseTo(n * p.at(x / n).watts(), within(1e-6 * d.watts()));
    }

    @Test
    void handComputedDeploymentAndOptimumBands() {
        ConfigProfile a = prof("A", 1, 5, 0.6, 10, 0.4);     // x_s 10
        ConfigProfile b = prof("B", 2, 10, 0.5, 40, 0.3);    // x_s 40, 2 GPUs per instance
        Deployment d = Provisioner.provision(a, LOOSE, 25).orElseThrow();
        assertThat(d.instances()).isEqualTo(3);
        assertThat(d.ratePerInstance()).isCloseTo(25 / 3.0, within(1e-12));
        assertThat(d.joulesPerToken()).isCloseTo(0.6 - 0.2 * (25 / 3.0 - 5) / 5, within(1e-12)); // two points: linear
        // at 10: A 1 instance 0.4 J (1 GPU); B 1 instance at 10 → 0.5 J → A
        // at 20: A 2 instances at 10 → 0.4; B at 20 → 0.5 − 0.2·10/30 = 0.433 → A
        // at 40: A 4 at 10 → 0.4; B at 40 → 0.3 → B
        List<RateBand> bands = Provisioner.optimumBands(ProfileSet.of(List.of(a, b)), LOOSE, new double[] {10, 20, 40, 80});
        assertThat(bands).extracting(RateBand::configuration).containsExactly("13B A H100 TP1", "13B B H100 TP2");
        assertThat(bands.get(0).fromRate()).isEqualTo(10);
        assertThat(bands.get(0).toRate()).isEqualTo(20);
        assertThat(bands.get(1).minGpus()).isEqualTo(2);
        assertThat(bands.get(1).maxGpus()).isEqualTo(4);
        EnergyTable t = Provisioner.table(ProfileSet.of(List.of(a, b)), LOOSE, new double[] {10, 40});
        assertThat(t.joulesPerToken().get(b.key())).containsExactly(0.5, 0.3);
        assertThat(t.toCsv()).startsWith("configuration,rate_rps,gpus,j_per_token\n").contains("\"13B A H100 TP1\",40.0000,4,0.40000");
    }
}
