package io.qmeter.analysis.figures;

import static io.qmeter.analysis.figures.Runs.load;
import static io.qmeter.analysis.figures.Runs.quality;
import static io.qmeter.analysis.figures.Runs.saturation;
import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.RunKey;
import io.qmeter.store.StoredRun;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StudyFiguresTest {

    /** FP16 saturates at 10 req/s, W4A16-INT at 12; W4A16-INT uses less energy at 25 and 50 %, more at 100 %. */
    static List<StoredRun> study() {
        List<StoredRun> r = new ArrayList<>();
        r.add(saturation("p", "FP16", 10));
        r.add(saturation("p", "W4A16-INT", 12));
        r.add(load("p", "FP16", 0.25, 10, 60, 20, 0.90, 1, 0));
        r.add(load("p", "FP16", 0.5, 10, 70, 22, 0.80, 2, 20));
        r.add(load("p", "FP16", 1.0, 10, 90, 26, 0.70, 3, 40));
        r.add(load("p", "W4A16-INT", 0.25, 12, 55, 15, 0.60, 4, 0));
        r.add(load("p", "W4A16-INT", 0.5, 12, 65, 16, 0.55, 5, 20));
        r.add(load("p", "W4A16-INT", 1.0, 12, 85, 18, 0.75, 6, 40));
        r.add(quality("p", "FP16", "gsm8k", 0.40));
        r.add(quality("p", "W4A16-INT", "gsm8k", 0.30));
        r.add(quality("p", "FP16", "mmlu", 0.50));
        r.add(quality("p", "W4A16-INT", "mmlu", 0.55));
        r.add(load("other", "W8A8-FP", 0.5, 11, 50, 15, 0.5, 7, 0));
        return r;
    }

    final StudyFigures f = StudyFigures.of(study()).plan("p");

    @Test
    void latencyVsRateHasOneLinePerConfigurationTheSloAndTheSaturationPoints() {
        Figure ttft = f.latencyVsRate(StudyFigures.RateMetric.TTFT_P90);
        assertThat(ttft.seriesNames()).containsExactly("FP16", "W4A16-INT", "FP16 saturation",
                "W4A16-INT saturation", "SLO P90 TTFT 1000 ms");
        assertThat(ttft.xAxisTitle()).isEqualTo("request rate (req/s)");
        assertThat(ttft.yAxisTitle()).isEqualTo("P90 TTFT (ms)");
        assertThat(ttft.xLogarithmic()).isFalse(); // 2.5 .. 12 req/s: less than 20x
        assertThat(ttft.yLogarithmic()).isFalse(); // 55 .. 1000 ms with the SLO line: 18x, under 20x
        assertThat(ttft.seriesColors().get("FP16")).isEqualTo(MethodColors.BLACK);
        assertThat(ttft.seriesColors().get("W4A16-INT saturation")).isEqualTo(MethodColors.SKY_BLUE);
        assertThat(ttft.caption()).contains("FP16 10", "W4A16-INT 12");

        Figure jtok = f.latencyVsRate(StudyFigures.RateMetric.J_PER_TOKEN);
        assertThat(jtok.seriesNames()).doesNotContain("SLO P90 TTFT 1000 ms").contains("FP16", "W4A16-INT");
        assertThat(jtok.yLogarithmic()).isFalse();
    }

    @Test
    void ratesSpanningDecadesGetALogAxis() {
        List<StoredRun> r = new ArrayList<>();
        r.add(load("q", "FP16", 0.01, 10, 60, 20, 0.9, 1, 0));  // 0.1 req/s
        r.add(load("q", "FP16", 1.0, 10, 4000, 26, 0.7, 2, 20));  // 10 req/s, past the knee
        Figure fig = StudyFigures.of(r).latencyVsRate(StudyFigures.RateMetric.TPOT_P90);
        assertThat(fig.xLogarithmic()).isTrue();
        assertThat(fig.yLogarithmic()).isFalse(); // 20 .. 200 ms (SLO): 10x
        Figure ttft = StudyFigures.of(r).latencyVsRate(StudyFigures.RateMetric.TTFT_P90);
        assertThat(ttft.yLogarithmic()).isTrue(); // 60 .. 4000 ms
    }

    @Test
    void energyRankIsHandComputed() {
        Figure rank = f.energyRank().orElseThrow();
        assertThat(rank.seriesNames()).containsExactly("FP16", "W4A16-INT");
        assertThat(rank.xAxisTitle()).isEqualTo("load (% of saturation)");
        // W4A16-INT first at 25 and 50 %, second at 100 % (0.75 > 0.70)
        var series = ((org.knowm.xchart.XYChart) rank.chart()).getSeriesMap();
        assertThat(series.get("W4A16-INT").getYData()).containsExactly(-1.0, -1.0, -2.0);
        assertThat(series.get("FP16").getYData()).containsExactly(-2.0, -2.0, -1.0);
        assertThat(series.get("FP16").getXData()).containsExactly(25.0, 50.0, 100.0);
    }

    @Test
    void qualityHeatMapShowsTheChangeAgainstFp16() {
        Figure h = f.qualityChangeHeatMap().orElseThrow();
        assertThat(h.seriesNames()).containsExactly("W4A16-INT");
        var data = ((org.knowm.xchart.HeatMapChart) h.chart()).getHeatMapSeries().getHeatData();
        // gsm8k: (0.30 - 0.40) / 0.40 = -25 %; mmlu: (0.55 - 0.50) / 0.50 = +10 %
        assertThat(data).hasSize(2);
        assertThat(data.get(0)).containsExactly(0, 0, -25.0);
        assertThat(data.get(1)).containsExactly(1, 0, 10.0);
        assertThat(f.baseline("W8A8-FP").qualityChangeHeatMap()).isEmpty();
    }

    @Test
    void qualityScattersHighlightTheParetoFront() {
        List<Figure> vsTtft = f.qualityVsLatency();
        assertThat(vsTtft).hasSize(2); // gsm8k and mmlu
        Figure gsm = vsTtft.get(0);
        // at 50 %: FP16 70 ms / 0.40, W4A16-INT 65 ms / 0.30: neither dominates
        assertThat(gsm.title()).contains("gsm8k", "50 % of saturation");
        assertThat(gsm.seriesNames()).containsExactly("Pareto front", "FP16", "W4A16-INT");
        assertThat(gsm.caption()).contains("Pareto front", "W4A16-INT, FP16");
        Figure mmlu = vsTtft.get(1);
        // mmlu: W4A16-INT 65 ms / 0.55 dominates FP16 70 ms / 0.50
        assertThat(mmlu.caption()).endsWith("front (no other configuration has both lower P90 TTFT and a higher score): W4A16-INT.");
        assertThat(f.qualityVsEnergy()).hasSize(2);
    }

    @Test
    void everyFigureColoursAMethodTheSame() {
        List<Figure> all = f.all();
        assertThat(all).extracting(Figure::name).contains("ttft-p90-vs-rate", "tpot-p90-vs-rate", "j-per-token-vs-rate",
                "energy-rank", "quality-change-heatmap", "quality-vs-ttft-gsm8k", "quality-vs-j-per-token-mmlu",
                "power-timeline");
        for (Figure fig : all) {
            for (var e : fig.seriesColors().entrySet()) {
                if (e.getKey().equals("FP16")) {
                    assertThat(e.getValue()).as(fig.name()).isEqualTo(MethodColors.BLACK);
                }
                if (e.getKey().equals("W4A16-INT")) {
                    assertThat(e.getValue()).as(fig.name()).isEqualTo(MethodColors.SKY_BLUE);
                }
            }
        }
    }

    @Test
    void seriesNamesAddWhatDiffersBetweenConfigurations() {
        StudyFigures both = StudyFigures.of(study());
        assertThat(both.seriesNames().values()).contains("FP16 [p]", "W8A8-FP [other]");
        assertThat(f.seriesNames().values()).containsExactly("FP16", "W4A16-INT");
    }

    @Test
    void latencyOverTimeNeedsTheRecords() {
        assertThat(f.latencyOverTime(new RunKey("p", Runs.cid("FP16"), "0.5sat", 0))).isEmpty();
        assertThat(f.hasRequestRecords()).isFalse();
        StoredRun base = load("r", "FP16", 0.5, 10, 70, 22, 0.8, 2, 0);
        String records = """
                ,"records":[{"scheduledNanos":0,"firstTokenNanos":50000000,"lastTokenNanos":250000000,"outputTokensServed":11,"outcome":"OK"},
                 {"scheduledNanos":1000000000,"firstTokenNanos":1080000000,"lastTokenNanos":1280000000,"outputTokensServed":5,"outcome":"OK"},
                 {"scheduledNanos":2000000000,"firstTokenNanos":-1,"lastTokenNanos":-1,"outputTokensServed":0,"outcome":"TIMEOUT"}]}}""";
        String payload = base.payloadJson().trim();
        payload = payload.substring(0, payload.length() - 2) + records;
        StoredRun withRecords = new StoredRun(base.key(), base.status(), null, base.labels(), base.metrics(), payload,
                base.recordedAt());
        StudyFigures g = StudyFigures.of(List.of(withRecords));
        Figure fig = g.latencyOverTime(base.key()).orElseThrow();
        assertThat(fig.seriesNames()).containsExactly("TTFT", "TPOT", "window start", "window end");
        var s = ((org.knowm.xchart.XYChart) fig.chart()).getSeriesMap();
        assertThat(s.get("TTFT").getYData()).containsExactly(50.0, 80.0);
        assertThat(s.get("TPOT").getYData()).containsExactly(20.0, 50.0); // 200 ms / 10, 200 ms / 4
        assertThat(g.hasRequestRecords()).isTrue();
    }

    @Test
    void powerTimelinePlacesEachRunAtItsWallClockTime() {
        Figure p = f.powerTimeline().orElseThrow();
        assertThat(p.seriesNames()).containsExactly("FP16", "W4A16-INT");
        var s = ((org.knowm.xchart.XYChart) p.chart()).getSeriesMap().get("FP16");
        // runs start at 0, 20 and 40 s; each window is 1..17 s of the run
        assertThat(s.getXData()).containsExactly(1.0, 17.0, 21.0, 37.0, 41.0, 57.0);
        assertThat(s.getYData()).containsExactly(325.0, 325.0, 350.0, 350.0, 400.0, 400.0);
    }

    @Test
    void anEmptySelectionDrawsNothingButDoesNotFail() {
        StudyFigures none = StudyFigures.of(List.of());
        assertThat(none.all()).isEmpty();
        Figure empty = none.latencyVsRate(StudyFigures.RateMetric.TTFT_P90);
        assertThat(empty.title()).endsWith("(no data)");
        assertThat(empty.png()).isNotEmpty();
        Color c = MethodColors.of("FP16");
        assertThat(c).isEqualTo(MethodColors.BLACK);
    }
}
