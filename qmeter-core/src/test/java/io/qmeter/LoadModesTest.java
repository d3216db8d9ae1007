package io.qmeter;

import static io.qmeter.QMeter.constant;
import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.poisson;
import static io.qmeter.QMeter.synthetic;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.load.ExactPoissonArrivals;
import io.qmeter.load.FakeSender;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.time.Duration;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The run settings a user used to write by hand (issue 14): extra body, prompt cache, closed loop, exact Poisson. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadModesTest {

    private static final long MS = 1_000_000L;

    private static LoadRunBuilder base(FakeSender sender) {
        return load(sender).model("m").workload(synthetic(16, 4)).clientCheck(Duration.ofSeconds(10), 0.01).seed(5);
    }

    // ------------------------------------------------------------------ small validation defects (#8)

    @Test
    void boundsAndConnectionsAreCheckedWhenSetWithMessagesThatFit() {
        LoadRunBuilder b = load("http://127.0.0.1:8000").model("m").workload(synthetic(8, 4)).arrivals(poisson(10));
        assertThatThrownBy(() -> b.requests(-5)).hasMessage("requests must be > 0, was -5");
        assertThatThrownBy(() -> b.requests(0)).hasMessage("requests must be > 0, was 0");
        assertThatThrownBy(() -> b.maxConnections(0)).hasMessage("maxConnections must be > 0, was 0");
        assertThatThrownBy(() -> load("http://127.0.0.1:99999").model("m").workload(synthetic(8, 4))
                .arrivals(poisson(10)).requests(5).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port").hasMessageContaining("99999");
    }

    // ------------------------------------------------------------------ extra body and prompt cache

    @Test
    void extraBodyAndThePromptCacheAreSentAndRecorded() {
        try (FakeSender sender = new FakeSender(MS, MS)) {
            RunResult r = base(sender).arrivals(constant(200)).requests(5)
                    .extraBody(Map.of("top_k", 1)).promptCache(false).build().run();
            assertThat(sender.request(0).extraBody()).containsEntry("top_k", 1).containsEntry("cache_prompt", false);
            assertThat(r.config().promptCache()).isEqualTo("off");
            assertThat(r.config().extraBody()).containsEntry("top_k", "1").containsEntry("cache_prompt", "false");
            assertThat(r.summaryTable()).contains("prompt cache: off");
            assertThat(RunResult.fromJson(r.toJson()).config()).isEqualTo(r.config());
        }
        try (FakeSender sender = new FakeSender(MS, MS)) {
            RunResult r = base(sender).arrivals(constant(200)).requests(2).build().run();
            assertThat(sender.request(0).extraBody()).doesNotContainKey("cache_prompt");
            assertThat(r.config().promptCache()).isEqualTo("engine default");
            assertThat(r.summaryTable()).contains("prompt cache: engine default");
        }
        assertThatThrownBy(() -> load("http://h:1").extraBody(Map.of("cache_prompt", true)).promptCache(false))
                .hasMessageContaining("cache_prompt");
    }

    // ------------------------------------------------------------------ closed loop

    @Test
    void aClosedLoopKeepsItsStreamsBusyAndMeasuresTtftFromTheSend() {
        try (FakeSender sender = new FakeSender(3 * MS, MS)) {
            RunResult r = base(sender).closedLoop(3).requests(30).build().run();
            assertThat(r.records()).hasSize(30).allSatisfy(rec -> {
                assertThat(rec.outcome()).isEqualTo(Outcome.OK);
                // no schedule: the request was due when it was sent
                assertThat(rec.dispatchNanos()).isEqualTo(rec.scheduledNanos());
                assertThat(rec.ttftNanos() - rec.serviceTtftNanos()).isLessThan(2 * MS);
            });
            assertThat(sender.maxInFlight()).isEqualTo(3);
            assertThat(r.valid()).as(r.invalidReasons().toString()).isTrue();
            assertThat(r.config().arrivals()).containsEntry("name", "closed loop, 3 streams");
            assertThat(r.summaryTable()).contains("closed loop, 3 streams");
            assertThat(r.endReason()).contains("request count reached (30");
        }
        try (FakeSender sender = new FakeSender(3 * MS, MS)) {
            RunResult r = base(sender).closedLoop(2).duration(ofMillis(200)).build().run();
            assertThat(r.endReason()).contains("duration reached");
            assertThat(sender.maxInFlight()).isEqualTo(2);
            assertThat(r.records()).extracting(RequestRecord::outcome).containsOnly(Outcome.OK);
            assertThat(r.records().size()).isGreaterThan(2);
        }
        assertThatThrownBy(() -> load("http://h:1").model("m").workload(synthetic(8, 4)).closedLoop(2)
                .maxInFlight(4).requests(3).build()).hasMessageContaining("closedLoop(2)");
        assertThatThrownBy(() -> load("http://h:1").closedLoop(0)).hasMessage("closedLoop streams must be > 0, was 0");
    }

    // ------------------------------------------------------------------ exact Poisson

    @Test
    void anExactPoissonScheduleHasRateTimesSpanArrivalsInItsSpan() {
        ExactPoissonArrivals a = poisson(0.5).exactly(ofSeconds(15));
        assertThat(a.count()).isEqualTo(8);
        for (long seed = 0; seed < 50; seed++) {
            PrimitiveIterator.OfLong it = a.offsetsNanos(seed);
            long previous = -1;
            int n = 0;
            while (it.hasNext()) {
                long off = it.nextLong();
                if (n == 0) {
                    assertThat(off).isZero();
                }
                assertThat(off).isGreaterThanOrEqualTo(previous).isLessThan(ofSeconds(15).toNanos());
                previous = off;
                n++;
            }
            assertThat(n).isEqualTo(8);
        }
        try (FakeSender sender = new FakeSender(MS, MS)) {
            RunResult r = base(sender).arrivals(poisson(100).exactly(ofMillis(300))).build().run();
            assertThat(r.records()).hasSize(30);
            assertThat(r.summaryTable()).contains("poisson conditioned on the count: exactly 30 arrivals");
        }
    }
}
