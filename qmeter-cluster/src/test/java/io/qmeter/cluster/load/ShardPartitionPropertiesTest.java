package io.qmeter.cluster.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.LoadRun;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.client.CompletionRequest;
import io.qmeter.client.RequestSender;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Sharding is a partition of the schedule for any number of shards: the shards' requests are
 * disjoint, together every arrival of the one-process schedule, each with its index, due time and
 * prompt, and each shard sends its arrivals in schedule order.
 */
class ShardPartitionPropertiesTest {

    /** Completes every request at once and remembers what it was asked, by index. */
    static final class InstantSender implements RequestSender {
        final Map<Long, CompletionRequest> asked = new ConcurrentHashMap<>();
        final List<Long> order = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
            long now = System.nanoTime();
            asked.put(index, request);
            order.add(index);
            int out = request.maxTokens();
            return CompletableFuture.completedFuture(new RequestRecord(index, scheduledNanos, now, now, now,
                    new long[] {now}, new int[] {out}, request.prompt().inputTokens(), -1, out, out, false, "length",
                    Outcome.OK, 200, null, null));
        }

        @Override
        public void close() {
        }
    }

    @Property(tries = 40)
    void shardsPartitionTheScheduleDisjointCompleteAndInOrder(@ForAll @IntRange(min = 1, max = 7) int n,
                                                               @ForAll @IntRange(min = 1, max = 60) int requests,
                                                               @ForAll @LongRange(min = -1000, max = 1000) long seed,
                                                               @ForAll boolean constant) {
        InstantSender oneSender = new InstantSender();
        LoadRun whole = QMeter.load(oneSender).model("m")
                .workload(QMeter.synthetic(QMeter.uniform(4, 400), QMeter.uniform(1, 50)))
                .arrivals(constant ? QMeter.constant(20_000) : QMeter.poisson(20_000)).requests(requests).seed(seed)
                .build();
        RunResult one = whole.run();

        List<RequestRecord> union = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LoadShard shard = LoadShard.of(i, n);
            InstantSender s = new InstantSender();
            RunResult part = QMeter.load(s).model("m")
                    .workload(QMeter.synthetic(QMeter.uniform(4, 400), QMeter.uniform(1, 50)))
                    .arrivals(constant ? QMeter.constant(20_000) : QMeter.poisson(20_000)).requests(requests)
                    .seed(seed).build().withShard(shard).run();
            assertThat(part.records()).hasSize((int) shard.share(requests));
            // in order: the shard sent its arrivals in schedule order, every n-th from i
            assertThat(s.order).isSorted();
            for (int k = 0; k < part.records().size(); k++) {
                RequestRecord r = part.records().get(k);
                assertThat(r.index()).isEqualTo(i + (long) k * n);
                // the very request of the one-process run: its due time and its prompt
                RequestRecord same = one.records().get((int) r.index());
                assertThat(r.scheduledNanos()).isEqualTo(same.scheduledNanos());
                assertThat(s.asked.get(r.index()).prompt()).isEqualTo(oneSender.asked.get(r.index()).prompt());
            }
            if (n > 1) {
                assertThat(part.config().arrivals()).containsEntry("shard", shard.toString());
            } else {
                assertThat(part.config().arrivals()).doesNotContainKey("shard");
            }
            union.addAll(part.records());
        }
        // disjoint and complete
        union.sort(Comparator.comparingLong(RequestRecord::index));
        assertThat(union).extracting(RequestRecord::index)
                .containsExactlyElementsOf(one.records().stream().map(RequestRecord::index).toList());
    }

    @Property(tries = 200)
    void shareAndTakesAgreeForAnyCount(@ForAll @IntRange(min = 1, max = 64) int n,
                                        @ForAll @IntRange(min = 0, max = 5000) int total) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            LoadShard s = LoadShard.of(i, n);
            long taken = 0;
            for (long k = 0; k < total; k++) {
                if (s.takes(k)) {
                    taken++;
                    for (int j = 0; j < n; j++) {
                        assertThat(LoadShard.of(j, n).takes(k)).isEqualTo(j == i); // exactly one shard takes k
                    }
                }
            }
            assertThat(s.share(total)).isEqualTo(taken);
            // balanced: shares differ by at most one, earlier shards never smaller
            assertThat(s.share(total)).isBetween((long) total / n, (long) total / n + 1);
            sum += taken;
        }
        assertThat(sum).isEqualTo(total);
    }
}
