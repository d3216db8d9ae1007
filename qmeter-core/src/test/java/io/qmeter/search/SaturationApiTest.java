package io.qmeter.search;

import static io.qmeter.QMeter.gamma;
import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.p90;
import static io.qmeter.QMeter.slo;
import static io.qmeter.QMeter.synthetic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.load.FakeSender;
import io.qmeter.load.TraceArrivals;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search's home in QMeter: saturation(...) and rateSweep(...) against one server. */
class SaturationApiTest {

    private static LoadRunBuilder base() {
        return load(new FakeSender(2_000_000, 1_000_000)).model("m").workload(synthetic(16, 4))
                .clientCheck(Duration.ofMillis(500), 0.5);
    }

    @Test
    void aRateSweepRunsEachRateInOrderKeepingTheArrivalFamily() {
        List<RunResult> runs = QMeter.rateSweep(base().arrivals(gamma(1, 0.5)).requests(10)).rates(40, 80).run();
        assertThat(runs).hasSize(2);
        assertThat(runs).extracting(r -> r.config().targetRatePerSecond()).containsExactly(40.0, 80.0);
        assertThat(runs).allSatisfy(r -> assertThat(r.config().arrivals().get("name")).startsWith("gamma("));
        assertThat(runs).allSatisfy(r -> assertThat(r.summary().measuredRequests()).isEqualTo(10));
    }

    @Test
    void fractionsOfASaturationRateOrOfASearch() {
        RateSweep s = QMeter.rateSweep(base().requests(10));
        assertThat(s.fractionsOf(20, 0.25, 0.5, 0.75, 1.0).rates()).containsExactly(5.0, 10.0, 15.0, 20.0);
        SearchResult none = new SearchResult(Double.NaN, Double.NaN, 1, Double.NaN, List.of(),
                StopReason.NO_PASSING_RATE, "nothing passed", 0.1);
        assertThatThrownBy(() -> s.fractionsOf(none, 0.5)).hasMessageContaining("no saturation point")
                .hasMessageContaining("nothing passed");
        assertThatThrownBy(() -> s.fractionsOf(0, 0.5)).hasMessageContaining("saturation rate must be > 0");
        assertThatThrownBy(() -> s.rates(1, -2)).hasMessageContaining("-2");
        assertThatThrownBy(s::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("needs rates");
    }

    @Test
    void aTraceHasNoRateToChangeAndIsRefusedAtOnce() {
        LoadRunBuilder traced = base().arrivals(TraceArrivals.fromLines("t", List.of("0", "100", "200")));
        assertThatThrownBy(() -> QMeter.rateSweep(traced)).hasMessageContaining("no rate to change");
        assertThatThrownBy(() -> QMeter.saturation(traced)).hasMessageContaining("no rate to change");
    }

    @Test
    void aSaturationSearchRunsFromTheEntryPoint() {
        Saturation s = QMeter.saturation(base());
        assertThatThrownBy(s::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("needs an SLO");
        SearchResult r = s.slo(slo().ttft(p90, Duration.ofSeconds(1)).tpot(p90, Duration.ofMillis(200)).build())
                .requestsPerProbe(20).maxProbes(3).seed(5).search(b -> b.initialRate(50)).run();
        assertThat(r.probeCount()).isBetween(1, 3);
        assertThat(r.probes()).allSatisfy(o -> assertThat(o.error()).isNull());
    }
}
