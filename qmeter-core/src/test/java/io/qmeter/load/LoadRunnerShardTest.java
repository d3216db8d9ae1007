package io.qmeter.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.internal.load.LoadRunner;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.SyntheticWorkload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shards and a wall-clock start instant in the load runner (several processes sharing one load). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadRunnerShardTest {

    private static final CompletionRequest TEMPLATE =
            CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("", 0, 1)).withIgnoreEos(true);
    private static final long MS = 1_000_000L;
    private static final long SEED = 42L;

    private static LoadPlan plan(ArrivalProcess a, Duration duration, long requests) {
        // lengths vary per prompt, so a shard that drew the wrong prompt would show it
        return LoadPlan.of(a, SyntheticWorkload.of(io.qmeter.workload.LengthDistribution.uniform(8, 64),
                io.qmeter.workload.LengthDistribution.uniform(2, 9)), TEMPLATE, SEED, duration, requests);
    }

    @Test
    void threeShardsSendEveryArrivalOnceWithTheOneProcessIndexDueTimeAndPrompt() {
        LoadPlan p = plan(new PoissonArrivals(400), null, 60);
        List<PromptSpec> expected = new ArrayList<>();
        var it = p.workload().prompts(SEED);
        for (int k = 0; k < 60; k++) {
            expected.add(it.next());
        }
        List<RequestRecord> union = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int shardIndex = i;
            try (FakeSender sender = new FakeSender(MS, MS)) {
                LoadOutcome o = new LoadRunner(p, sender, null, LoadShard.of(i, 3), null).run();
                assertThat(o.records()).hasSize(20);
                assertThat(o.records()).allSatisfy(r -> assertThat(r.index() % 3).isEqualTo(shardIndex));
                assertThat(o.endReason()).contains("request count reached (60)");
                assertThat(sender.sends()).isEqualTo(20);
                for (RequestRecord r : o.records()) {
                    // the prompt is the one-process workload's prompt of the same index
                    assertThat(sender.request(r.index()).prompt()).as("prompt of request %d", r.index())
                            .isEqualTo(expected.get((int) r.index()));
                }
                union.addAll(o.records());
            }
        }
        union.sort(Comparator.comparingLong(RequestRecord::index));
        assertThat(union).extracting(RequestRecord::index)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 60).boxed().toList());
        // due times are the one-process schedule's
        PrimitiveIteratorCheck.assertOffsets(union, new PoissonArrivals(400), p.arrivalSeed());
        // the prompts differ from each other, so a shifted workload would have been seen
        assertThat(expected.stream().distinct().count()).isGreaterThan(50);
    }

    @Test
    void aShardOfADurationBoundedScheduleKeepsTheWholeSchedulesWindow() {
        LoadPlan p = plan(new ConstantArrivals(200), Duration.ofMillis(500), -1)
                .withWarmup(Duration.ofMillis(100)).withCooldown(Duration.ofMillis(100));
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadOutcome o = new LoadRunner(p, sender, null, LoadShard.of(2, 4), null).run();
            // 100 arrivals at 0, 5, ..., 495 ms; shard 2 of 4 sends 2, 6, 10, ...: 25 of them
            assertThat(o.records()).hasSize(25);
            assertThat(o.records()).extracting(RequestRecord::scheduledNanos)
                    .allSatisfy(s -> assertThat((s / MS - 10) % 20).isZero());
            assertThat(o.scheduleEndNanos()).isEqualTo(500 * MS);
            assertThat(o.window()).isEqualTo(new io.qmeter.metrics.MeasurementWindow(100 * MS, 400 * MS));
        }
    }

    @Test
    void aStartInstantIsOffsetZeroOfTheSchedule() {
        Instant start = Instant.now().plusMillis(300);
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadOutcome o = new LoadRunner(plan(new ConstantArrivals(100), null, 5), sender, null,
                    LoadShard.whole(), start).run();
            assertThat(o.startedAt()).isEqualTo(start);
            assertThat(o.records()).hasSize(5);
            // dispatched at or after their due times on this process's clock, which began at the instant
            assertThat(o.records()).allSatisfy(r -> assertThat(r.dispatchNanos()).isGreaterThanOrEqualTo(
                    r.scheduledNanos()));
            // the run did not start before the instant: the wall clock is past it now
            assertThat(Instant.now()).isAfter(start);
        }
    }

    @Test
    void aStartInstantThatHasPassedFailsNamingWhatToDo() {
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadRunner r = new LoadRunner(plan(new ConstantArrivals(100), null, 5), sender, null, LoadShard.whole(),
                    Instant.now().minusSeconds(2));
            assertThatThrownBy(r::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("had passed by").hasMessageContaining("further ahead");
        }
    }

    @Test
    void aClosedLoopCannotBeSharded() {
        try (FakeSender sender = new FakeSender(MS, MS)) {
            assertThatThrownBy(() -> new LoadRunner(plan(new ClosedLoop(4), Duration.ofSeconds(1), -1), sender, null,
                    LoadShard.of(0, 2), null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("closed loop");
        }
    }

    @Test
    void shardValuesAreCheckedAndParsed() {
        assertThat(LoadShard.parse("1/3")).isEqualTo(LoadShard.of(1, 3));
        assertThat(LoadShard.of(1, 3).toString()).isEqualTo("1/3");
        assertThat(LoadShard.of(1, 3).share(10)).isEqualTo(3);   // 1, 4, 7
        assertThat(LoadShard.of(0, 3).share(10)).isEqualTo(4);   // 0, 3, 6, 9
        assertThat(LoadShard.of(2, 3).share(2)).isZero();
        assertThatThrownBy(() -> LoadShard.of(3, 3)).hasMessageContaining("shard index must be in [0, 3), was 3");
        assertThatThrownBy(() -> LoadShard.of(0, 0)).hasMessageContaining("shard count must be > 0, was 0");
        assertThatThrownBy(() -> LoadShard.parse("1-3")).hasMessageContaining("index/count");
    }
}
