package io.qmeter;

import static io.qmeter.QMeter.constant;
import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.p50;
import static io.qmeter.QMeter.p90;
import static io.qmeter.QMeter.poisson;
import static io.qmeter.QMeter.slo;
import static io.qmeter.QMeter.synthetic;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qmeter.load.FakePowerSensor;
import io.qmeter.load.FakeSender;
import io.qmeter.metrics.EnergyReport;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QMeterRunTest {

    private static final long MS = 1_000_000L;

    private static RunResult smallRun(FakeSender sender) {
        return load(sender).model("m").workload(synthetic(16, 8)).arrivals(poisson(200)).requests(60)
                .warmup(ofMillis(20)).slo(slo().ttft(p90, ofSeconds(1)).tpot(p50, ofMillis(100)).build())
                .clientCheck(Duration.ofSeconds(10), 0.01) // a loaded CI box must not make this test flaky
                .seed(42).build().run();
    }

    @Test
    void anEndToEndRunWithAFakeSender() {
        try (FakeSender sender = new FakeSender(3 * MS, MS, i -> i == 30 ? Outcome.TIMEOUT : Outcome.OK)) {
            RunResult r = smallRun(sender);
            assertThat(r.records()).hasSize(60);
            assertThat(r.seed()).isEqualTo(42);
            assertThat(r.schemaVersion()).isEqualTo(RunResult.SCHEMA_VERSION);
            assertThat(r.summary().totalRequests()).isEqualTo(60);
            assertThat(r.summary().warmupRequests() + r.summary().measuredRequests()).isEqualTo(60);
            assertThat(r.summary().warmupRequests()).isPositive();
            assertThat(r.summary().count(Outcome.TIMEOUT)).isEqualTo(1);
            assertThat(r.summary().okRequests()).isEqualTo(r.summary().measuredRequests() - 1);
            assertThat(r.summary().tpot().count()).isEqualTo(r.summary().okRequests());
            assertThat(r.summary().outputLengthMismatches()).isZero();
            assertThat(r.summary().ttft().minMillis()).isGreaterThanOrEqualTo(3.0);
            assertThat(r.slo()).isNotNull();
            assertThat(r.slo().passed()).isTrue();
            assertThat(r.slo().requestsMeetingSlo()).isEqualTo(r.summary().okRequests());
            assertThat(r.valid()).as(r.invalidReasons().toString()).isTrue();
            assertThat(r.clientCheck().scheduleLag().count()).isEqualTo(r.summary().measuredRequests());
            assertThat(r.config().sender()).isEqualTo(FakeSender.class.getName());
            assertThat(r.config().arrivals()).containsEntry("process", "poisson");
            assertThat(r.config().maxRequests()).isEqualTo(60);
            // raw records are relative to the run's start
            assertThat(r.records().get(0).scheduledNanos()).isZero();
            assertThat(r.measuredRecords()).hasSize((int) r.summary().measuredRequests());
            assertThat(r.summaryTable()).contains("TTFT").contains("TPOT").contains("ITL").contains("VALID")
                    .contains("SLO: PASS").contains("TIMEOUT 1");
        }
    }

    @Test
    void theRunResultRoundTripsThroughJson(@TempDir Path dir) {
        try (FakeSender sender = new FakeSender(2 * MS, MS, i -> i % 7 == 3 ? Outcome.HTTP_ERROR : Outcome.OK)) {
            RunResult r = smallRun(sender);
            String json = r.toJson();
            assertThat(json).contains("\"schemaVersion\" : 1").contains("\"seed\" : 42")
                    .doesNotContain("\"ok\" :");
            RunResult back = RunResult.fromJson(json);
            assertThat(back).isEqualTo(r);
            assertThat(back.toJson()).isEqualTo(json);
            Path file = dir.resolve("run.json");
            r.writeJson(file);
            assertThat(RunResult.readJson(file)).isEqualTo(r);
        }
    }

    @Test
    void energyPerTokenGrossAndNet() {
        FakePowerSensor sensor = new FakePowerSensor(100);
        try (FakeSender sender = new FakeSender(2 * MS, MS)) {
            RunResult r = load(sender).model("m").workload(synthetic(8, 10)).arrivals(constant(200))
                    .duration(ofMillis(400)).warmup(ofMillis(100)).powerSensor(sensor).idleWatts(40)
                    .clientCheck(Duration.ofSeconds(10), 0.01).build().run();
            EnergyReport e = r.energy();
            assertThat(e).isNotNull();
            assertThat(e.available()).isTrue();
            assertThat(e.sensor()).isEqualTo("fake");
            double seconds = (e.windowEndNanos() - e.windowStartNanos()) / 1e9;
            assertThat(e.windowEndNanos()).isGreaterThanOrEqualTo(400 * MS);
            assertThat(seconds).isPositive();
            assertThat(e.outputTokens()).isPositive();
            assertThat(e.outputTokens()).isEqualTo(EnergyReport.tokensInWindow(r.records(), e.windowStartNanos(),
                    e.windowEndNanos()));
            assertThat(e.joulesPerToken()).isCloseTo(e.joules() / e.outputTokens(), within(1e-12));
            assertThat(e.netJoulesPerToken()).isCloseTo((e.joules() - 40 * seconds) / e.outputTokens(),
                    within(e.joulesPerToken() * 0.05));
            assertThat(e.netJoulesPerToken()).isLessThan(e.joulesPerToken());
            assertThat(r.config().powerSensor()).isEqualTo("fake");
            assertThat(RunResult.fromJson(r.toJson())).isEqualTo(r);
            assertThat(r.summaryTable()).contains("J/token gross");
        }
    }

    @Test
    void aClientThatFellBehindMakesTheRunInvalid() {
        // an in-flight cap of 1 with 20 ms requests at 200/s: the achieved send rate collapses
        try (FakeSender sender = new FakeSender(20 * MS, 0)) {
            RunResult r = load(sender).model("m").workload(synthetic(4, 1)).arrivals(constant(200)).requests(30)
                    .maxInFlight(1).build().run();
            assertThat(r.valid()).isFalse();
            assertThat(r.invalidReasons()).anySatisfy(s -> assertThat(s).contains("achieved send rate"));
            assertThat(r.summary().queueDelay().maxMillis()).isGreaterThan(400);
            assertThat(r.summaryTable()).contains("INVALID");
        }
    }

    @Test
    void runAsyncCanBeCancelledAndThenRunsAgain() throws Exception {
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadRun run = load(sender).model("m").workload(synthetic(4, 2)).arrivals(constant(100))
                    .duration(Duration.ofMinutes(5)).build();
            CompletableFuture<RunResult> f = run.runAsync();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sender.sends() >= 5);
            assertThat(f.cancel(true)).isTrue();
            // the same immutable run runs again from the start
            LoadRun shortRun = load(sender).model("m").workload(synthetic(4, 2)).arrivals(constant(1000))
                    .requests(5).build();
            RunResult r = shortRun.run();
            assertThat(r.records()).extracting(RequestRecord::index).containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }
}
