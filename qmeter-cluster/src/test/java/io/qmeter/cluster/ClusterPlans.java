package io.qmeter.cluster;

import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small plans for the cluster tests: simulated Llama-2-7B on H100, configurations that differ by engine seed. */
public final class ClusterPlans {

    private ClusterPlans() {
    }

    public static EngineSettings simulated(int seed) {
        return EngineSettings.builder().engine("simulated").model("Llama-2-7B").quantization("FP16")
                .tensorParallel(1).gpu("H100-80GB").extraArgs("--seed=" + seed).build();
    }

    /** {@code configs} simulated configurations, absolute rates, {@code requests} requests per run, 64-in 8-out. */
    public static Plan plan(String id, int configs, int requests, double... rates) {
        List<EngineSettings> l = new ArrayList<>();
        for (int i = 0; i < configs; i++) {
            l.add(simulated(i + 1));
        }
        return Plan.builder(id).configurations(l).workload(WorkloadSpec.synthetic(64, 8))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1))
                        .tpot(Percentile.of(90), Duration.ofMillis(200)).build())
                .rates(rates).repetitions(1).runLength(RunLength.requests(requests)).seed(7).build();
    }

    public static Path write(Plan plan, Path dir) {
        try {
            Path f = dir.resolve(plan.id() + ".json");
            Files.writeString(f, plan.toJson());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
