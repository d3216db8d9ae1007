package io.qmeter.testkit;

import static io.qmeter.QMeter.constant;
import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.synthetic;
import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.RunResult;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A one-off run, as a new user's first: {@code requests(19)} at {@code constant(20)} against the
 * simulated llama.cpp server, through the default {@code LlmClient} made for this run. It used to be
 * INVALID twice over (issue 14): the rate check counted the last request on the schedule's side but
 * not on the sends' side, and the client built its event loops and opened its first connection
 * after the run's time origin, so the first requests showed 0.3-1.3 s of "lag". The lag limit here
 * is 50 ms, not the default 5 ms: honest for a shared 2-core build box, and far below what the
 * start-up used to cost.
 */
class OneOffRunTest {

    @Test
    void aShortCountBoundedRunOfAFreshClientIsValid() throws Exception {
        try (EngineHandle h = SimulatedEngine.builder().gpu("H100-80GB").model("llama-2-7b").quantization("W4A16-INT")
                .tensorParallel(1).seed(1).port(0).dialect(Dialect.LLAMA_CPP).build().start()) {
            RunResult r = load(h).workload(synthetic(16, 8)).arrivals(constant(20)).requests(19)
                    .clientCheck(Duration.ofMillis(50), 0.95).build().run();
            assertThat(r.records()).hasSize(19).extracting(RequestRecord::outcome).containsOnly(Outcome.OK);
            // the rate check compares like with like: the schedule's 18 requests in [0, 900 ms) against
            // the sends in the same half-open window
            assertThat(r.clientCheck().scheduledRatePerSecond()).isCloseTo(20.0, Offset.offset(1e-6));
            assertThat(r.summaryTable()).contains("prompt cache: engine default");
            String lags = r.records().stream().map(x -> x.index() + ": lag " + x.scheduleLagNanos() / 1000
                    + " us, queue " + x.queueDelayNanos() / 1000 + " us").toList().toString();
            System.out.println("one-off run: " + r.clientCheck().reasons() + " " + lags);
            // whether the client kept up depends on the machine; judged only on a quiet one
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            int cores = Runtime.getRuntime().availableProcessors();
            Assumptions.assumeTrue(load >= 0 && load < cores, "the machine is busy (load average " + load + " on "
                    + cores + " cores): the run's validity is not judged");
            assertThat(r.invalidReasons()).as(lags).isEmpty();
            assertThat(r.valid()).isTrue();
        }
    }
}
