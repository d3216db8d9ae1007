package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredSaturationPointsTest {

    static StoredRun run(String config, String rateLabel, RunStatus status, Map<String, String> labels, double rps) {
        return new StoredRun(new RunKey("plan", config, rateLabel, 0), status, status == RunStatus.OK ? null : "boom",
                labels, Map.of("saturation_rps", rps), "{}", Instant.parse("2026-12-01T00:00:00Z"));
    }

    static Map<String, String> labels(String model, String q, String workload) {
        return Map.of("model", model, "quantization", q, "gpu", "H100-80GB", "tensor_parallel", "2",
                "workload", workload, "engine", "sim");
    }

    @Test
    void saturationRunsOfASqliteStoreBecomePointsAndTheRestIsExplained(@TempDir Path dir) {
        try (ResultStore store = ResultStore.sqlite(dir.resolve("r.db"))) {
            store.put(run("a", "saturation", RunStatus.OK, labels("Llama-2-13B", "W8A8-INT", "sharegpt"), 12.5));
            store.put(run("b", "saturation", RunStatus.OK, labels("CodeLlama-34B", "W4A8KV4", "sharegpt"), 3.25));
            store.put(run("c", "0.5", RunStatus.OK, labels("Llama-2-13B", "W8A8-INT", "sharegpt"), 6));
            store.put(run("d", "saturation", RunStatus.FAILED, labels("Llama-2-13B", "FP16", "sharegpt"), 1));
            store.put(run("e", "saturation", RunStatus.OK, labels("Llama-2-13B", "FP16", "unknown-load"), 9));
            store.put(run("f", "saturation", RunStatus.OK, labels("tinyllama", "FP16", "sharegpt"), 9));
            StoredSaturationPoints.Loaded l = StoredSaturationPoints.read(store, Map.of("sharegpt", new double[] {331, 231}));
            assertThat(l.points()).containsExactlyInAnyOrder(
                    SaturationPoint.of(13, "W8A8-INT", "H100-80GB", 2, "sharegpt", 331, 231, 12.5),
                    SaturationPoint.of(34, "W4A8KV4", "H100-80GB", 2, "sharegpt", 331, 231, 3.25));
            List<String> s = l.skipped();
            assertThat(s).hasSize(3);
            assertThat(s).anyMatch(x -> x.contains("status FAILED"))
                    .anyMatch(x -> x.contains("no mean lengths for workload 'unknown-load'"))
                    .anyMatch(x -> x.contains("cannot read a size"));
        }
    }
}
