package io.qmeter.examples;

import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.p90;
import static io.qmeter.QMeter.poisson;
import static io.qmeter.QMeter.sharegptLike;
import static io.qmeter.QMeter.slo;

import io.qmeter.RunResult;
import io.qmeter.engine.EngineHandle;
import io.qmeter.power.PowerSensor;
import io.qmeter.testkit.SimulatedEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One load run: starts an in-process simulated engine (Llama-2-7B on H100) on 127.0.0.1, sends a
 * 20-second Poisson load at 10 req/s of ShareGPT-like requests (2 s warm-up) with the engine's
 * power sensor and its idle baseline (J/token gross and net), prints the summary table and writes
 * the run's JSON to a file whose path it prints.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -Pload-example package           # writes ./qmeter-results/load-run.json
 * java ... io.qmeter.examples.LoadRunExample /tmp/run.json
 * }</pre>
 */
public final class LoadRunExample {

    private LoadRunExample() {
    }

    /**
     * Runs the example.
     *
     * @param args optional: the JSON file (default {@code qmeter-results/load-run.json})
     * @throws java.io.IOException when the output folder cannot be created
     */
    public static void main(String[] args) throws java.io.IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "qmeter-results/load-run.json").toAbsolutePath();
        Files.createDirectories(out.getParent());
        try (EngineHandle engine = SimulatedEngine.builder().model("Llama-2-7B").gpu("H100-80GB").build().start()) {
            System.out.println("simulated engine at " + engine.baseUrl());
            PowerSensor sensor = engine.powerSensor().orElseThrow();
            double idleWatts = sensor.measureIdleWatts(Duration.ofSeconds(1));
            RunResult r = load(engine).workload(sharegptLike(331, 231)).arrivals(poisson(10))
                    .duration(Duration.ofSeconds(20)).warmup(Duration.ofSeconds(2))
                    .slo(slo().ttft(p90, Duration.ofSeconds(1)).tpot(p90, Duration.ofMillis(200)).build())
                    .powerSensor(sensor).idleWatts(idleWatts).seed(42).build().run();
            System.out.print(r.summaryTable());
            r.writeJson(out);
            System.out.println("run result JSON: " + out);
        }
    }
}
