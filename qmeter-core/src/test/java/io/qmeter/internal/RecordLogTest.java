package io.qmeter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What goes into the log comes out as the same records, shifted to the run's origin exactly as
 * {@link RequestRecord#relativeTo} shifts them, across block and arena boundaries and from several
 * threads at once.
 */
class RecordLogTest {

    private static RequestRecord random(SplittableRandom rnd, long index) {
        long t = 1_000_000_000L + rnd.nextLong(1_000_000_000L);
        int n = index % 997 == 5 ? 150_000 : rnd.nextInt(300); // four longer than an arena block
        long[] chunks = new long[n];
        for (int k = 0; k < n; k++) {
            chunks[k] = t + 1000L * k;
        }
        Outcome o = Outcome.values()[rnd.nextInt(Outcome.values().length)];
        boolean sent = rnd.nextBoolean();
        return new RequestRecord(index, t, sent ? t + 5 : -1, n > 0 ? chunks[0] : -1, n > 0 ? chunks[n - 1] : -1,
                chunks, rnd.nextBoolean() ? null : new int[n], rnd.nextInt(100), rnd.nextInt(100) - 1,
                rnd.nextInt(100), rnd.nextInt(100), rnd.nextBoolean(), rnd.nextBoolean() ? "length" : null, o,
                rnd.nextInt(600), rnd.nextBoolean() ? null : "error " + index, rnd.nextBoolean() ? null : "text",
                rnd.nextBoolean() ? t + 7 : -1);
    }

    @Test
    void recordsComeBackAsTheyWentInRelativeToTheOrigin() {
        SplittableRandom rnd = new SplittableRandom(11);
        RecordLog log = new RecordLog();
        List<RequestRecord> in = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) { // several blocks (1,024, 2,048, ...)
            RequestRecord r = random(rnd, i);
            long dispatch = rnd.nextBoolean() ? r.dispatchNanos() : r.scheduledNanos() + 3;
            in.add(r.withDispatchNanos(dispatch));
            log.add(r, dispatch);
        }
        assertThat(log.size()).isEqualTo(3_000);
        long origin = 1_000_000_000L;
        List<RequestRecord> out = log.toRecords(origin);
        assertThat(out).hasSize(in.size());
        for (int i = 0; i < in.size(); i++) {
            assertThat(out.get(i)).isEqualTo(in.get(i).relativeTo(origin)); // equals compares the arrays too
        }
    }

    @Test
    void concurrentAddsKeepEveryRecordOnce() throws Exception {
        RecordLog log = new RecordLog();
        int threads = 4;
        int each = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    long idx = base + i;
                    log.add(new RequestRecord(idx, idx, idx, idx, idx, new long[] {idx, idx + 1}, null, 1, 1, 2, 2,
                            false, null, Outcome.OK, 200, null, null), idx + 2);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        List<RequestRecord> out = log.toRecords(0);
        assertThat(out).hasSize(threads * each);
        boolean[] seen = new boolean[threads * each];
        for (RequestRecord r : out) {
            int i = (int) r.index();
            assertThat(seen[i]).isFalse();
            seen[i] = true;
            assertThat(r.chunkNanos()).containsExactly(i, i + 1);
            assertThat(r.dispatchNanos()).isEqualTo(i + 2);
        }
    }
}
