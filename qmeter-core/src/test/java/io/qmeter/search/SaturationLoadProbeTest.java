package io.qmeter.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.LoadRun;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.load.ArrivalProcess;
import io.qmeter.load.FakeSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A saturation search's probes keep the caller's arrival process family and change only its rate. */
class SaturationLoadProbeTest {

    /** Stops a probe once its load run was captured. */
    static final class Captured extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static List<ArrivalProcess> probeArrivals(LoadRunBuilder base, double... rates) {
        List<ArrivalProcess> seen = new CopyOnWriteArrayList<>();
        LoadProbe probe = LoadProbe.of(base).withRunner((LoadRun run) -> {
            seen.add(run.plan().arrivals());
            throw new Captured();
        });
        for (double r : rates) {
            assertThatThrownBy(() -> probe.run(new ProbeRequest(r, 10, 7, 0))).isInstanceOf(Captured.class);
        }
        return seen;
    }

    private static LoadRunBuilder base() {
        return QMeter.load(new FakeSender(1_000_000, 1_000_000)).model("m").workload(QMeter.synthetic(16, 4));
    }

    @Test
    void gammaBurstinessIsKeptAtEveryProbedRate() {
        List<ArrivalProcess> seen = probeArrivals(base().arrivals(QMeter.gamma(1, 0.25)), 3.0, 7.5);
        assertThat(seen).containsExactly(QMeter.gamma(3.0, 0.25), QMeter.gamma(7.5, 0.25));
    }

    @Test
    void constantStaysConstantAndNoProcessMeansPoisson() {
        assertThat(probeArrivals(base().arrivals(QMeter.constant(1)), 4.0)).containsExactly(QMeter.constant(4.0));
        assertThat(probeArrivals(base(), 4.0)).containsExactly(QMeter.poisson(4.0));
    }
}
