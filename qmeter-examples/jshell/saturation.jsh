import static io.qmeter.QMeter.*; import java.time.Duration;
var engine = io.qmeter.testkit.SimulatedEngine.builder().model("Llama-2-7B").gpu("H100-80GB").build().start();
var slo = slo().ttft(p90, Duration.ofMillis(500)).tpot(p90, Duration.ofMillis(50)).build();
var result = saturation(load(engine).workload(synthetic(128, 32))).slo(slo).minProbeDuration(Duration.ofSeconds(2)).requestsPerProbe(40).maxProbes(5).run();
System.out.printf("saturation %.1f req/s (%s after %d probes)%n", result.saturationRate(), result.stopReason(), result.probeCount());
engine.close();
/exit
