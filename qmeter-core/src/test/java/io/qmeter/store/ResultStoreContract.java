package io.qmeter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ResultStore} contract, written once and run against every implementation: extend it
 * and say how to open a fresh, empty store and a second handle on the same database.
 */
abstract class ResultStoreContract {

    /** A fresh, empty store for one test. */
    protected abstract ResultStore openFresh() throws Exception;

    /** A second, independent handle on the database of the last {@link #openFresh()}. */
    protected abstract ResultStore reopen() throws Exception;

    protected ResultStore store;

    @BeforeEach
    void openStore() throws Exception {
        store = openFresh();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static RunKey key(String plan, String cfg, String rate, int rep) {
        return new RunKey(plan, cfg, rate, rep);
    }

    static StoredRun run(RunKey key, double ttft) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("ttft_p90_ms", ttft);
        metrics.put("tpot_p90_ms", 41.25);
        metrics.put("energy_j_per_token", Double.NaN);
        metrics.put("throughput_tokens_per_s", Double.POSITIVE_INFINITY);
        metrics.put("delta", Double.NEGATIVE_INFINITY);
        metrics.put("tiny", 4.9e-324);
        return new StoredRun(key, RunStatus.OK, null, Map.of("engine", "vllm", "quantization", "awq",
                "note", "ünïcode, \"quoted\"\nline"), metrics, "{\"rate\":4.0,\"records\":[1,2,3]}",
                Instant.parse("2026-11-27T09:30:00.123456Z"));
    }

    @Test
    void putThenFindRoundTripsEverything() {
        RunKey k = key("plan-a", "cfg-1", "4rps", 0);
        StoredRun r = run(k, 412.5);
        assertThat(store.put(r)).isTrue();
        StoredRun back = store.find(k).orElseThrow();
        assertThat(back).isEqualTo(r);
        assertThat(back.metrics().get("energy_j_per_token")).isNaN();
        assertThat(back.metrics().get("throughput_tokens_per_s")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(back.metrics().get("delta")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(back.recordedAt()).isEqualTo(Instant.parse("2026-11-27T09:30:00.123Z"));
        assertThat(back.payload().get("records").size()).isEqualTo(3);
        assertThat(store.contains(k)).isTrue();
        assertThat(store.contains(key("plan-a", "cfg-1", "4rps", 1))).isFalse();
        assertThat(store.find(key("plan-a", "cfg-1", "4rps", 1))).isEmpty();
    }

    @Test
    void writingTwiceIsHarmlessAndTheLaterRunReplacesTheEarlier() {
        RunKey k = key("plan-a", "cfg-1", "4rps", 0);
        assertThat(store.put(run(k, 400))).isTrue();
        assertThat(store.put(run(k, 400))).isFalse();
        assertThat(store.count()).isEqualTo(1);
        StoredRun fewer = new StoredRun(k, RunStatus.INVALID, "client lagged 250 ms", Map.of("engine", "sglang"),
                Map.of("ttft_p90_ms", 999.0), "{}", Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(store.put(fewer)).isFalse();
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.find(k)).contains(fewer); // old labels and metrics are gone, not merged
    }

    @Test
    void findByPlanKeysAndCountsAreScopedAndOrderedByKey() {
        List<RunKey> keys = List.of(key("p1", "cfg-b", "8rps", 1), key("p1", "cfg-a", "8rps", 0),
                key("p1", "cfg-b", "8rps", 0), key("p1", "cfg-A", "2rps", 0), key("p2", "cfg-a", "8rps", 0));
        for (RunKey k : keys) {
            store.put(run(k, 1));
        }
        assertThat(store.findByPlan("p1")).extracting(StoredRun::key).containsExactly(key("p1", "cfg-A", "2rps", 0),
                key("p1", "cfg-a", "8rps", 0), key("p1", "cfg-b", "8rps", 0), key("p1", "cfg-b", "8rps", 1));
        assertThat(store.keys("p1")).hasSize(4).doesNotContain(key("p2", "cfg-a", "8rps", 0));
        assertThat(store.count("p1")).isEqualTo(4);
        assertThat(store.count("p2")).isEqualTo(1);
        assertThat(store.count("none")).isZero();
        assertThat(store.findByPlan("none")).isEmpty();
        assertThat(store.count()).isEqualTo(5);
        assertThat(store.list()).hasSize(5).isSortedAccordingTo((a, b) -> a.key().compareTo(b.key()));
    }

    @Test
    void failedAndInvalidRunsKeepTheirCause() {
        RunKey f = key("p", "c", "16rps", 0);
        RunKey i = key("p", "c", "16rps", 1);
        store.put(StoredRun.failed(f, "engine exited with code 137 (out of memory?)", Map.of("engine", "vllm"), "{}"));
        store.put(new StoredRun(i, RunStatus.INVALID, "achieved 14.2 req/s of 16", Map.of(),
                Map.of("ttft_p90_ms", 800.0), "{}", Instant.now()));
        assertThat(store.find(f).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        assertThat(store.find(f).orElseThrow().cause()).contains("code 137");
        assertThat(store.find(i).orElseThrow().cause()).isEqualTo("achieved 14.2 req/s of 16");
    }

    @Test
    void aSecondHandleSeesCommittedRunsAndTheSameSchema() throws Exception {
        store.put(run(key("p", "c", "1rps", 0), 5));
        try (ResultStore other = reopen()) {
            assertThat(other.count()).isEqualTo(1);
            assertThat(other.schemaVersion()).isEqualTo(store.schemaVersion()).isEqualTo(2);
            other.put(run(key("p", "c", "1rps", 1), 6));
        }
        assertThat(store.count()).isEqualTo(2);
    }

    @Test
    void concurrentPutsNeitherLoseNorDuplicate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        store.put(run(key("p", "c", "r" + i, 0), thread)); // same keys from every thread
                        store.put(run(key("p", "c" + thread, "r" + i, 0), i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.count()).isEqualTo(25 + 4 * 25);
        assertThat(store.find(key("p", "c", "r3", 0)).orElseThrow().metrics()).hasSize(6);
    }

    @Test
    void closeIsIdempotentAndAClosedStoreSaysSo() {
        store.close();
        store.close();
        assertThatThrownBy(() -> store.count()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        store = null;
    }

    @Test
    void exportFromTheStoreHasOneRowPerRun() {
        store.put(run(key("p", "c", "1rps", 0), 5));
        store.put(StoredRun.failed(key("p", "c", "2rps", 0), "boom, with comma", Map.of("engine", "vllm"), "{}"));
        java.io.StringWriter w = new java.io.StringWriter();
        RunExport.csv(store.findByPlan("p"), w);
        String[] lines = w.toString().split("\n(?=p,)");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("plan_id,configuration_id,rate_label,repetition,status,cause,recorded_at,"
                + "engine,note,quantization,delta,energy_j_per_token,throughput_tokens_per_s,tiny,tpot_p90_ms,ttft_p90_ms");
        assertThat(lines[2]).contains("FAILED,\"boom, with comma\"");
    }
}
