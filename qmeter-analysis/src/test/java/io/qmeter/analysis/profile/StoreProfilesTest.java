package io.qmeter.analysis.profile;

import io.qmeter.store.RunKey;
import io.qmeter.store.StoredRun;
import io.qmeter.store.ResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StoreProfilesTest {

    private static Map<String, String> labels() {
        Map<String, String> l = new HashMap<>();
        l.put("model", "Llama-2-13B");
        l.put("quantization", "W8A8-INT");
        l.put("gpu", "H100-80GB");
        l.put("tensor_parallel", "1");
        l.put("workload", "sharegpt");
        return l;
    }

    private static StoredRun load(String label, int rep, double rate, double ttft, double jpt) {
        return StoredRun.ok(new RunKey("p", "c", label, rep), labels(), Map.of("target_rps", rate, "ttft_p90_ms", ttft,
                "tpot_p90_ms", 30.0, "j_per_token", jpt, "avg_watts", 500.0, "valid", 1.0), "{}");
    }

    @Test
    void runsBecomeOneProfileWithMedianRepetitionsQualityAndSaturation() {
        Map<String, String> q = labels();
        q.put("step", "quality");
        q.put("benchmark", "gsm8k");
        Map<String, String> noSensor = labels();
        List<StoredRun> runs = List.of(
                StoredRun.ok(new RunKey("p", "c", "saturation", 0), labels(), Map.of("saturation_rps", 10.0), "{}"),
                load("5rps", 0, 5, 100, 0.5), load("5rps", 1, 5, 120, 0.7), load("5rps", 2, 5, 400, 0.6),
                load("10rps", 0, 10, 800, 0.3),
                StoredRun.ok(new RunKey("p", "c", "quality.gsm8k", 0), q, Map.of("quality", 27.5), "{}"),
                StoredRun.ok(new RunKey("p", "c", "7rps", 0), noSensor, Map.of("target_rps", 7.0), "{}"),
                StoredRun.failed(new RunKey("p", "c", "12rps", 0), "engine died", labels(), "{}"));
        StoreProfiles.Loaded l = StoreProfiles.fromRuns(runs);
        assertThat(l.profiles().size()).isEqualTo(1);
        ConfigProfile p = l.profiles().profiles().get(0);
        assertThat(p.key()).isEqualTo(new ProfileKey("Llama-2-13B", "W8A8-INT", "H100-80GB", 1, "sharegpt"));
        assertThat(p.saturationRate()).isEqualTo(10);
        assertThat(p.points()).hasSize(2);
        assertThat(p.points().get(0).ttftP90Millis()).isEqualTo(120);
        assertThat(p.points().get(0).joulesPerToken()).isEqualTo(0.6);
        assertThat(p.quality("gsm8k")).hasValue(27.5);
        assertThat(p.simulated()).isFalse();
        assertThat(l.skipped()).hasSize(2).anyMatch(s -> s.contains("engine died"))
                .anyMatch(s -> s.contains("power sensor"));
    }

    @Test
    void readsAPlanFromAnSqliteStore(@TempDir Path dir) {
        try (ResultStore store = ResultStore.sqlite(dir.resolve("r.db"))) {
            store.put(StoredRun.ok(new RunKey("p", "c", "saturation", 0), labels(), Map.of("saturation_rps", 10.0), "{}"));
            store.put(load("5rps", 0, 5, 100, 0.5));
            store.put(load("10rps", 0, 10, 800, 0.3));
            store.put(StoredRun.ok(new RunKey("other", "c", "saturation", 0), labels(), Map.of("saturation_rps", 99.0), "{}"));
            StoreProfiles.Loaded l = StoreProfiles.read(store, "p");
            assertThat(l.skipped()).isEmpty();
            ConfigProfile p = l.profiles().profiles().get(0);
            assertThat(p.saturationRate()).isEqualTo(10);
            assertThat(p.at(7.5).joulesPerToken()).isBetween(0.3, 0.5);
            assertThat(StoreProfiles.readAll(store).profiles().size()).isEqualTo(1);
        }
    }
}
