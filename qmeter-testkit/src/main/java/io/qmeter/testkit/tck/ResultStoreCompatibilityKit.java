package io.qmeter.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ResultStore} honours. Extend it in the store's test and implement
 * {@link #createStore()}; every test here runs against a fresh, empty store.
 *
 * <p>What is checked: a stored run comes back equal, with NaN and infinite metrics, labels with
 * quotes, line breaks and non-ASCII text, and its JSON payload; a second put of the same key
 * replaces the first (never merges, never duplicates) and says so; {@code findByPlan},
 * {@code keys} and {@code count} are scoped to one plan and ordered by key; failed and invalid runs
 * keep their cause; concurrent puts from several threads neither lose nor duplicate a run;
 * {@code close()} is idempotent and a closed store throws {@link IllegalStateException}; the schema
 * version is at least 1. Optional capability: a store that can open a second handle on the same
 * data overrides {@link #reopen()}, and the kit then checks that committed runs are visible through
 * it (skipped otherwise).
 *
 * <pre>{@code
 * class MyStoreCompatibilityTest extends ResultStoreCompatibilityKit {
 *     @TempDir Path dir;
 *     protected ResultStore createStore() { return ResultStore.sqlite(dir.resolve("runs.db")); }
 *     protected ResultStore reopen() { return ResultStore.sqlite(dir.resolve("runs.db")); }
 * }
 * }</pre>
 */
public abstract class ResultStoreCompatibilityKit {

    /** The store under test, created before each test and closed after it. */
    protected ResultStore store;

    /** Creates the kit; subclasses implement {@link #createStore()}. */
    protected ResultStoreCompatibilityKit() {
    }

    /**
     * Creates a fresh, empty store for one test. Called before each test; the kit closes it.
     *
     * <pre>{@code
     * protected ResultStore createStore() { return ResultStore.sqlite(dir.resolve("runs-" + n++ + ".db")); }
     * }</pre>
     *
     * @return the store under test
     * @throws Exception when the store cannot be opened
     */
    protected abstract ResultStore createStore() throws Exception;

    /**
     * A second, independent handle on the data of the store last made by {@link #createStore()}, or
     * {@code null} when the implementation has no such thing (an in-memory store); the kit closes it.
     *
     * <pre>{@code
     * protected ResultStore reopen() { return ResultStore.sqlite(lastFile); }
     * }</pre>
     *
     * @return the second handle, or {@code null} (the default) to skip that check
     * @throws Exception when the handle cannot be opened
     */
    protected ResultStore reopen() throws Exception {
        return null;
    }

    /**
     * How long the concurrent-put check may take.
     *
     * <pre>{@code
     * protected long concurrencyTimeoutSeconds() { return 300; }
     * }</pre>
     *
     * @return seconds, 60 by default
     */
    protected long concurrencyTimeoutSeconds() {
        return 60;
    }

    @BeforeEach
    void createTheStore() throws Exception {
        store = createStore();
        assertNotNull(store, "createStore() returned null; return the store under test");
    }

    @AfterEach
    void closeTheStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * A run with awkward values: NaN and infinite metrics, a label with quotes, a line break and
     * non-ASCII text, a JSON payload.
     *
     * @param key  the key
     * @param ttft a metric value that tells runs apart
     * @return the run
     */
    protected static StoredRun sampleRun(RunKey key, double ttft) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("ttft_p90_ms", ttft);
        metrics.put("energy_j_per_token", Double.NaN);
        metrics.put("throughput_tokens_per_s", Double.POSITIVE_INFINITY);
        metrics.put("delta", Double.NEGATIVE_INFINITY);
        metrics.put("tiny", Double.MIN_VALUE);
        return new StoredRun(key, RunStatus.OK, null,
                Map.of("engine", "vllm", "note", "ünïcode, \"quoted\"\nline"), metrics,
                "{\"rate\":4.0,\"records\":[1,2,3]}", Instant.parse("2026-11-27T09:30:00.123Z"));
    }

    private static RunKey key(String plan, String cfg, String rate, int rep) {
        return new RunKey(plan, cfg, rate, rep);
    }

    @Test
    @DisplayName("a stored run comes back equal, NaN and infinities included")
    void putThenFindRoundTrips() {
        RunKey k = key("plan-a", "cfg-1", "4rps", 0);
        StoredRun r = sampleRun(k, 412.5);
        assertTrue(store.put(r), "put() of a new key must return true");
        Optional<StoredRun> back = store.find(k);
        assertTrue(back.isPresent(), "find() of a stored key returned empty");
        assertEquals(r, back.get(), "the stored run must come back equal");
        assertTrue(back.get().metrics().get("energy_j_per_token").isNaN(), "NaN must stay NaN, not 0 or null");
        assertEquals(Double.POSITIVE_INFINITY, back.get().metrics().get("throughput_tokens_per_s"));
        assertEquals(Double.NEGATIVE_INFINITY, back.get().metrics().get("delta"));
        assertEquals(Double.MIN_VALUE, back.get().metrics().get("tiny"), "the smallest double must survive");
        assertEquals(3, back.get().payload().get("records").size(), "the JSON payload must survive");
        assertTrue(store.contains(k), "contains() of a stored key");
        RunKey other = key("plan-a", "cfg-1", "4rps", 1);
        assertFalse(store.contains(other), "contains() of a key never stored");
        assertTrue(store.find(other).isEmpty(), "find() of a key never stored must be empty");
    }

    @Test
    @DisplayName("a second put of a key replaces the first, never merges or duplicates it")
    void putIsIdempotentByKey() {
        RunKey k = key("plan-a", "cfg-1", "4rps", 0);
        assertTrue(store.put(sampleRun(k, 400)), "the first put of a key must return true");
        assertFalse(store.put(sampleRun(k, 400)), "a second put of the same key must return false");
        assertEquals(1, store.count(), "writing twice must not duplicate");
        StoredRun replacement = new StoredRun(k, RunStatus.INVALID, "client lagged 250 ms",
                Map.of("engine", "sglang"), Map.of("ttft_p90_ms", 999.0), "{}", Instant.parse("2026-11-27T10:00:00Z"));
        assertFalse(store.put(replacement), "replacing must return false");
        assertEquals(1, store.count(), "replacing must not duplicate");
        assertEquals(Optional.of(replacement), store.find(k), "old labels and metrics must be gone, not merged");
    }

    @Test
    @DisplayName("findByPlan, keys and count are scoped to one plan and ordered by key")
    void queriesAreScopedAndOrdered() {
        List<RunKey> keys = List.of(key("p1", "cfg-b", "8rps", 1), key("p1", "cfg-a", "8rps", 0),
                key("p1", "cfg-b", "8rps", 0), key("p1", "cfg-A", "2rps", 0), key("p2", "cfg-a", "8rps", 0));
        for (RunKey k : keys) {
            store.put(sampleRun(k, 1));
        }
        List<RunKey> p1 = new ArrayList<>();
        store.findByPlan("p1").forEach(r -> p1.add(r.key()));
        assertEquals(List.of(key("p1", "cfg-A", "2rps", 0), key("p1", "cfg-a", "8rps", 0),
                key("p1", "cfg-b", "8rps", 0), key("p1", "cfg-b", "8rps", 1)), p1, "findByPlan must be ordered by key");
        assertEquals(4, store.keys("p1").size(), "keys(p1)");
        assertFalse(store.keys("p1").contains(key("p2", "cfg-a", "8rps", 0)), "keys(p1) holds a key of p2");
        assertEquals(4, store.count("p1"), "count(p1)");
        assertEquals(1, store.count("p2"), "count(p2)");
        assertEquals(0, store.count("none"), "count of an unknown plan");
        assertTrue(store.findByPlan("none").isEmpty(), "findByPlan of an unknown plan");
        assertEquals(5, store.count(), "count()");
        List<StoredRun> all = store.list();
        assertEquals(5, all.size(), "list()");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).key().compareTo(all.get(i).key()) < 0, "list() must be ordered by key: " + all);
        }
    }

    @Test
    @DisplayName("failed and invalid runs keep their status and cause")
    void failuresKeepTheirCause() {
        RunKey f = key("p", "c", "16rps", 0);
        RunKey i = key("p", "c", "16rps", 1);
        store.put(StoredRun.failed(f, "engine exited with code 137 (out of memory?)", Map.of("engine", "vllm"), "{}"));
        store.put(new StoredRun(i, RunStatus.INVALID, "achieved 14.2 req/s of 16", Map.of(),
                Map.of("ttft_p90_ms", 800.0), "{}", Instant.parse("2026-11-27T10:00:00Z")));
        StoredRun failed = store.find(f).orElseThrow(() -> new AssertionError("the failed run was not stored"));
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("engine exited with code 137 (out of memory?)", failed.cause());
        StoredRun invalid = store.find(i).orElseThrow(() -> new AssertionError("the invalid run was not stored"));
        assertEquals(RunStatus.INVALID, invalid.status());
        assertEquals("achieved 14.2 req/s of 16", invalid.cause());
    }

    @Test
    @DisplayName("concurrent puts neither lose nor duplicate a run")
    void concurrentPuts() throws Exception {
        int threads = 4;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.put(sampleRun(key("p", "shared", "r" + i, 0), thread)); // the same keys from every thread
                        store.put(sampleRun(key("p", "c" + thread, "r" + i, 0), i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(concurrencyTimeoutSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(perThread + threads * perThread, store.count(), "runs lost or duplicated under concurrent puts");
        assertEquals(5, store.find(key("p", "shared", "r3", 0)).orElseThrow().metrics().size(),
                "a run written by several threads must be one of them whole");
    }

    @Test
    @DisplayName("close() is idempotent and a closed store refuses to work")
    void closeIsIdempotent() {
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.count(), "a closed store must throw IllegalStateException");
        store = null;
    }

    @Test
    @DisplayName("the schema version is at least 1")
    void schemaVersion() {
        assertTrue(store.schemaVersion() >= 1, "schemaVersion() must be >= 1, was " + store.schemaVersion());
    }

    @Test
    @DisplayName("optional: a second handle sees committed runs, and the first sees its writes")
    void secondHandleSeesCommittedRuns() throws Exception {
        store.put(sampleRun(key("p", "c", "1rps", 0), 5));
        ResultStore other = reopen();
        assumeTrue(other != null, "reopen() returns null: this store has no second handle");
        try (other) {
            assertEquals(1, other.count(), "a second handle must see the committed run");
            assertEquals(store.schemaVersion(), other.schemaVersion(), "both handles must see one schema");
            other.put(sampleRun(key("p", "c", "1rps", 1), 6));
        }
        assertEquals(2, store.count(), "the first handle must see the second handle's write");
    }
}
