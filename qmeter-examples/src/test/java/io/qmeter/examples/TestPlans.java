package io.qmeter.examples;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import io.qmeter.testkit.FaultPlan;
import io.qmeter.testkit.SimulatedEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Small plans and engines for the sweep tests: Llama-2-7B on H100, short synthetic requests. */
final class TestPlans {

    private TestPlans() {
    }

    static EngineSettings settings(String quantization) {
        return EngineSettings.builder().engine("simulated").model("Llama-2-7B").quantization(quantization)
                .tensorParallel(1).gpu("H100-80GB").build();
    }

    /** Absolute rates, {@code requests} requests per run, 64-token prompts, 8-token answers. */
    static Plan plan(String id, List<EngineSettings> configs, int requests, double... rates) {
        return Plan.builder(id).configurations(configs).workload(WorkloadSpec.synthetic(64, 8))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(1)).tpot(Percentile.of(90), Duration.ofMillis(200)).build()).rates(rates).repetitions(1)
                .runLength(RunLength.requests(requests)).seed(7).build();
    }

    static SimulatedEngine engine(FaultPlan faults) {
        return SimulatedEngine.builder().model("Llama-2-7B").gpu("H100-80GB").quantization("FP16").seed(3)
                .faults(faults).build();
    }

    /** An engine whose i-th start starts the i-th engine given (the last one from then on). */
    static final class Sequence implements Engine {
        private final List<Engine> engines;
        final AtomicInteger starts = new AtomicInteger();

        Sequence(Engine... engines) {
            this.engines = new ArrayList<>(List.of(engines));
        }

        @Override
        public String name() {
            return "sequence";
        }

        @Override
        public EngineHandle start() {
            int i = starts.getAndIncrement();
            return engines.get(Math.min(i, engines.size() - 1)).start();
        }
    }
}
