package io.qmeter.load;

import io.qmeter.internal.load.LoadOutcome;
import io.qmeter.internal.load.LoadRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunSummary;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.SyntheticWorkload;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadRunnerTest {

    private static final CompletionRequest TEMPLATE =
            CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("", 0, 1)).withIgnoreEos(true);
    private static final long MS = 1_000_000L;

    private static LoadPlan plan(ArrivalProcess a, Duration duration, long requests) {
        return LoadPlan.of(a, SyntheticWorkload.fixed(16, 4), TEMPLATE, 42L, duration, requests);
    }

    @Test
    void everyScheduledRequestBecomesOneRecordInScheduleOrder() {
        try (FakeSender sender = new FakeSender(2 * MS, MS, i -> i % 5 == 4 ? Outcome.HTTP_ERROR : Outcome.OK)) {
            LoadOutcome o = new LoadRunner(plan(new PoissonArrivals(500), null, 100), sender, null).run();
            assertThat(o.records()).hasSize(100);
            assertThat(o.records()).extracting(RequestRecord::index).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, 100).boxed().toList());
            assertThat(o.endReason()).contains("request count reached (100)");
            assertThat(o.records()).filteredOn(r -> r.outcome() == Outcome.HTTP_ERROR).hasSize(20);
            for (RequestRecord r : o.records()) {
                assertThat(r.dispatchNanos()).as("dispatched at or after its due time")
                        .isGreaterThanOrEqualTo(r.scheduledNanos());
                assertThat(r.sentNanos()).isGreaterThanOrEqualTo(r.dispatchNanos());
            }
            // the schedule is the seeded Poisson schedule, independent of how the server behaved
            PrimitiveIteratorCheck.assertOffsets(o.records(), new PoissonArrivals(500), plan(new PoissonArrivals(500),
                    null, 100).arrivalSeed());
            // prompts are the seeded workload's, in order
            assertThat(sender.request(0).prompt()).isEqualTo(SyntheticWorkload.fixed(16, 4).prompts(42L).next());
            assertThat(sender.request(0).ignoreEos()).isTrue();
            RunSummary s = RunSummary.of(o.records(), o.window(), true);
            assertThat(s.okRequests()).isEqualTo(80);
            assertThat(s.failedRequests()).isEqualTo(20);
            assertThat(s.outputTokens()).isEqualTo(80 * 4);
        }
    }

    @Test
    void warmupAndCooldownAreExcludedButKept() {
        // constant 100/s over 1 s: offsets 0, 10, ..., 990 ms
        LoadPlan p = plan(new ConstantArrivals(100), Duration.ofSeconds(1), -1)
                .withWarmup(Duration.ofMillis(200)).withCooldown(Duration.ofMillis(200));
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadOutcome o = new LoadRunner(p, sender, null).run();
            assertThat(o.records()).hasSize(100);
            assertThat(o.endReason()).contains("duration reached");
            assertThat(o.scheduleEndNanos()).isEqualTo(1000 * MS);
            assertThat(o.window().startNanos()).isEqualTo(200 * MS);
            assertThat(o.window().endNanos()).isEqualTo(800 * MS);
            RunSummary s = RunSummary.of(o.records(), o.window(), true);
            assertThat(s.warmupRequests()).isEqualTo(20);   // 0..190 ms
            assertThat(s.measuredRequests()).isEqualTo(61); // 200..800 ms
            assertThat(s.cooldownRequests()).isEqualTo(19); // 810..990 ms
            assertThat(o.records().get(0).scheduledNanos()).isZero();
        }
    }

    @Test
    void inFlightCapWaitIsQueueDelayNotScheduleLag() {
        // 20 requests due 1 ms apart; each takes >= 20 ms; cap 2 -> request k cannot be sent before
        // (k / 2) * 20 ms, far after its due time k ms
        LoadPlan p = plan(new ConstantArrivals(1000), null, 20).withMaxInFlight(2);
        try (FakeSender sender = new FakeSender(20 * MS, 0)) {
            LoadOutcome o = new LoadRunner(p, sender, null).run();
            assertThat(o.records()).hasSize(20).allMatch(RequestRecord::isOk);
            assertThat(sender.maxInFlight()).isEqualTo(2);
            for (RequestRecord r : o.records()) {
                long k = r.index();
                long earliestSend = (k / 2) * 20 * MS;
                assertThat(r.queueDelayNanos()).as("queue delay of #" + k)
                        .isGreaterThanOrEqualTo(earliestSend - k * MS);
                // dispatch happened at the due time, not when the cap freed up
                assertThat(r.dispatchNanos()).isLessThanOrEqualTo(r.sentNanos());
            }
            RequestRecord last = o.records().get(19);
            assertThat(last.queueDelayNanos()).isGreaterThan(last.scheduleLagNanos());
            assertThat(last.queueDelayNanos()).isGreaterThanOrEqualTo(180 * MS - 19 * MS);
        }
    }

    @Test
    void outstandingRequestsAfterTheDrainTimeoutAreRecordedAsCancelled() {
        LoadPlan p = plan(new ConstantArrivals(1000), null, 5).withDrainTimeout(Duration.ofMillis(50));
        try (FakeSender sender = new FakeSender(MS, MS).neverComplete()) {
            LoadOutcome o = new LoadRunner(p, sender, null).run();
            assertThat(o.records()).hasSize(5).allSatisfy(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
                assertThat(r.error()).contains("drain timeout");
            });
            assertThat(o.endReason()).contains("5 requests still outstanding");
        }
    }

    @Test
    void requestsStillWaitingForTheCapAreRecordedAsNeverSent() {
        LoadPlan p = plan(new ConstantArrivals(1000), null, 4).withMaxInFlight(1)
                .withDrainTimeout(Duration.ofMillis(50));
        try (FakeSender sender = new FakeSender(MS, MS).neverComplete()) {
            LoadOutcome o = new LoadRunner(p, sender, null).run();
            assertThat(o.records()).hasSize(4).allMatch(r -> r.outcome() == Outcome.CANCELLED);
            assertThat(sender.sends()).isEqualTo(1);
            assertThat(o.records().subList(1, 4)).allSatisfy(r -> {
                assertThat(r.sentNanos()).isEqualTo(-1);
                assertThat(r.error()).contains("never sent").contains("in-flight cap (1)");
            });
        }
    }

    @Test
    void cancelStopsDispatchAndKeepsWhatWasMeasured() throws Exception {
        LoadPlan p = plan(new ConstantArrivals(200), Duration.ofMinutes(10), -1);
        AtomicInteger seen = new AtomicInteger();
        CompletableFuture<Void> tenSent = new CompletableFuture<>();
        FakeSender inner = new FakeSender(MS, MS);
        io.qmeter.client.RequestSender counting = new io.qmeter.client.RequestSender() {
            @Override
            public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
                if (seen.incrementAndGet() == 10) {
                    tenSent.complete(null);
                }
                return inner.send(request, index, scheduledNanos);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
        try (counting; LoadRunner runner = new LoadRunner(p, counting, null)) {
            CompletableFuture<LoadOutcome> f = CompletableFuture.supplyAsync(runner::run);
            tenSent.get(30, TimeUnit.SECONDS);
            runner.cancel();
            LoadOutcome o = f.get(30, TimeUnit.SECONDS);
            assertThat(o.cancelled()).isTrue();
            assertThat(o.records().size()).isGreaterThanOrEqualTo(10).isLessThan(120_000);
            assertThat(o.records()).hasSize(seen.get());
        }
    }

    @Test
    void energyWindowCoversTheMeasuredInterval() {
        FakePowerSensor sensor = new FakePowerSensor(100);
        LoadPlan p = plan(new ConstantArrivals(100), Duration.ofMillis(500), -1).withWarmup(Duration.ofMillis(100));
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadOutcome o = new LoadRunner(p, sender, sensor).run();
            assertThat(sensor.windowsOpened()).isEqualTo(1);
            assertThat(o.energy()).isNotNull();
            assertThat(o.energy().joules()).isPositive();
            assertThat(o.energyStartNanos()).isGreaterThanOrEqualTo(100 * MS);
            // the window lasts at least to the measured window's end (the schedule end, 500 ms)
            assertThat(o.energyEndNanos()).isGreaterThanOrEqualTo(500 * MS);
        }
    }

    @Test
    void theSendersLoopDelayIsWatchedOverTheMeasuredWindowAndKeptInTheOutcome() {
        LoadPlan p = plan(new ConstantArrivals(100), Duration.ofSeconds(1), -1)
                .withWarmup(Duration.ofMillis(200)).withCooldown(Duration.ofMillis(200));
        io.qmeter.metrics.LatencyStats seen = new io.qmeter.metrics.LatencyStats(600, 0.1, 0.01, 0.05, 0.1, 0.2, 0.4,
                0.9, 3.0);
        long[] interval = new long[2];
        AtomicInteger stops = new AtomicInteger();
        try (FakeSender fake = new FakeSender(MS, MS)) {
            io.qmeter.client.RequestSender watched = new io.qmeter.client.RequestSender() {
                @Override
                public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduled) {
                    return fake.send(request, index, scheduled);
                }

                @Override
                public io.qmeter.client.LoopDelayWatch watchLoopDelay(long fromNanos, long toNanos) {
                    interval[0] = fromNanos;
                    interval[1] = toNanos;
                    return () -> {
                        stops.incrementAndGet();
                        return seen;
                    };
                }

                @Override
                public void close() {
                }
            };
            LoadOutcome o = new LoadRunner(p, watched, null).run();
            assertThat(o.loopDelay()).isSameAs(seen);
            assertThat(stops).hasValue(1);
            assertThat(interval[1] - interval[0]).as("the measured window, 200..800 ms").isEqualTo(600 * MS);
        }
        try (FakeSender plain = new FakeSender(MS, MS)) {
            assertThat(new LoadRunner(p, plain, null).run().loopDelay()).as("a sender without loops").isNull();
        }
    }

    /** A sender that sends ahead: records when each request was handed over, then sends it at its due time. */
    private static final class AheadSender implements io.qmeter.client.RequestSender {
        final FakeSender inner = new FakeSender(MS, MS);
        final java.util.concurrent.ScheduledExecutorService due =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        final java.util.concurrent.ConcurrentHashMap<Long, Long> handedOver = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.ConcurrentHashMap<Long, Long> dueAt = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger sendNow = new AtomicInteger();

        @Override
        public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
            sendNow.incrementAndGet();
            return inner.send(request, index, scheduledNanos);
        }

        @Override
        public boolean sendsAhead() {
            return true;
        }

        @Override
        public CompletableFuture<RequestRecord> sendAt(CompletionRequest request, long index, long scheduledNanos) {
            handedOver.put(index, System.nanoTime());
            dueAt.put(index, scheduledNanos);
            CompletableFuture<RequestRecord> f = new CompletableFuture<>();
            due.schedule(() -> {
                long dispatch = System.nanoTime();
                inner.send(request, index, scheduledNanos).thenAccept(r -> f.complete(r.withDispatchNanos(dispatch)));
            }, scheduledNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
            return f;
        }

        @Override
        public void close() {
            due.shutdownNow();
            inner.close();
        }
    }

    @Test
    void aSenderThatSendsAheadGetsRequestsBeforeTheyAreDueAndItsDispatchTimesAreKept() {
        try (AheadSender sender = new AheadSender()) {
            LoadOutcome o = new LoadRunner(plan(new ConstantArrivals(500), null, 100), sender, null).run();
            assertThat(o.records()).hasSize(100).allMatch(RequestRecord::isOk);
            assertThat(sender.sendNow.get()).isZero();
            int early = 0;
            for (RequestRecord r : o.records()) {
                // the dispatch time is the sender's (taken at or after the due time), not the runner's
                assertThat(r.dispatchNanos()).as("dispatch of #%d", r.index()).isGreaterThanOrEqualTo(r.scheduledNanos());
                long handed = sender.handedOver.get(r.index());
                long due = sender.dueAt.get(r.index());
                assertThat(handed).as("#%d is never handed over more than the look-ahead early", r.index())
                        .isGreaterThanOrEqualTo(due - LoadRunner.AHEAD_NANOS);
                if (handed < due) {
                    early++;
                }
            }
            // requests are handed over early (how many depends on how far a loaded machine lets the
            // dispatcher fall behind: 100 of 100 on a quiet one, 65 under a load average of 20); the
            // invariant is the look-ahead bound above
            assertThat(early).isPositive();
        }
    }

    @Test
    void cancellingARunThatSendsAheadEndsItsScheduleAtTheCancel() throws Exception {
        try (AheadSender sender = new AheadSender()) {
            LoadRunner runner = new LoadRunner(plan(new ConstantArrivals(500), Duration.ofMinutes(5), -1), sender, null);
            Thread watcher = new Thread(() -> {
                try {
                    while (sender.handedOver.size() < 40) {
                        Thread.onSpinWait();
                    }
                } finally {
                    runner.cancel();
                }
            });
            watcher.start();
            LoadOutcome o = runner.run();
            watcher.join();
            assertThat(o.cancelled()).isTrue();
            // every request handed over has a record; those due after the cancel say they were never sent
            assertThat(o.records()).hasSize(sender.handedOver.size());
            for (RequestRecord r : o.records()) {
                if (r.outcome() == Outcome.CANCELLED && r.error().startsWith("never sent: the run was cancelled")) {
                    assertThat(r.scheduledNanos()).as("#%d is after the schedule's end", r.index())
                            .isGreaterThan(o.scheduleEndNanos());
                } else {
                    assertThat(r.scheduledNanos()).isLessThanOrEqualTo(o.scheduleEndNanos());
                }
            }
        }
    }

    @Test
    void withAnInFlightCapRequestsAreSentWhenDueNotAhead() {
        try (AheadSender sender = new AheadSender()) {
            LoadOutcome o = new LoadRunner(plan(new ConstantArrivals(500), null, 20).withMaxInFlight(4), sender, null)
                    .run();
            assertThat(o.records()).hasSize(20).allMatch(RequestRecord::isOk);
            assertThat(sender.sendNow.get()).isEqualTo(20);
            assertThat(sender.handedOver).isEmpty();
        }
    }

    @Test
    void planValidationNamesFieldAndValue() {
        assertThatThrownBy(() -> plan(new PoissonArrivals(1), null, -1))
                .hasMessageContaining("a run needs a bound");
        assertThatThrownBy(() -> plan(new PoissonArrivals(1), Duration.ofSeconds(10), -1)
                .withWarmup(Duration.ofSeconds(6)).withCooldown(Duration.ofSeconds(4)))
                .hasMessage("warmup + cooldown must be < duration (PT10S), was PT10S");
        assertThatThrownBy(() -> plan(new PoissonArrivals(1), null, 0)).hasMessage(
                "requests must be > 0 (or -1 for no bound), was 0");
        assertThatThrownBy(() -> plan(new PoissonArrivals(1), null, 5).withMaxInFlight(-2))
                .hasMessage("maxInFlight must be >= 0 (0 = no cap), was -2");
    }

    @Test
    void aRunnerRunsOnce() {
        try (FakeSender sender = new FakeSender(MS, MS)) {
            LoadRunner r = new LoadRunner(plan(new ConstantArrivals(1000), null, 1), sender, null);
            r.run();
            assertThatThrownBy(r::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("runs once");
        }
    }
}
