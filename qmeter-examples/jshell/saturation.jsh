import static io.qmeter.QMeter.*; import io.qmeter.metrics.Slo; import io.qmeter.search.*; import io.qmeter.sweep.LoadProbe; import java.time.Duration;
var engine = io.qmeter.testkit.SimulatedEngine.builder().model("Llama-2-7B").gpu("H100-80GB").build().start();
var probe = LoadProbe.of(load(engine).workload(synthetic(128, 32))).withMinDuration(Duration.ofSeconds(2));
var search = SaturationSearch.builder().slo(Slo.p90(Duration.ofMillis(500), Duration.ofMillis(50))).requestsPerProbe(40).maxProbes(5).build();
var result = search.run(probe);
System.out.printf("saturation %.1f req/s (%s after %d probes)%n", result.saturationRate(), result.stopReason(), result.probeCount());
engine.close();
/exit
