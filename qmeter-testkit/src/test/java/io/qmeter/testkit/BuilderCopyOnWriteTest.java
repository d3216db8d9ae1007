package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every testkit builder is copy-on-write, as core's are: a setter returns a new builder and leaves
 * the one it was called on unchanged, so one base builder can be shared and specialised (each of
 * these failed while the setters returned {@code this}).
 */
class BuilderCopyOnWriteTest {

    @Test
    void aSimulatedEngineBuilderIsNotChangedByASetter() {
        SimulatedEngine.Builder base = SimulatedEngine.builder().model("Llama-2-13B").seed(3);
        SimulatedEngine w4 = base.quantization("W4A16-INT").dialect(Dialect.LLAMA_CPP).build();
        SimulatedEngine plain = base.build();

        assertThat(w4.config().quantization().name()).isEqualTo("W4A16-INT");
        assertThat(w4.describe()).containsEntry("dialect", "LLAMA_CPP");
        assertThat(plain.config().quantization().name()).isEqualTo("FP16");
        assertThat(plain.describe()).containsEntry("dialect", "VLLM");
        assertThat(plain.config().model().name()).isEqualTo(w4.config().model().name());
        assertThat(plain.config().seed()).isEqualTo(3);
    }

    @Test
    void aSimConfigBuilderIsNotChangedByASetter() {
        SimConfig.Builder base = SimConfig.builder().model("Llama-2-13B");
        SimConfig tp2 = base.tensorParallel(2).maxNumSeqs(64).build();
        SimConfig tp1 = base.build();

        assertThat(tp2.tensorParallel()).isEqualTo(2);
        assertThat(tp2.maxNumSeqs()).isEqualTo(64);
        assertThat(tp1.tensorParallel()).isEqualTo(1);
        assertThat(tp1.maxNumSeqs()).isEqualTo(256);
    }

    @Test
    void aFaultPlanBuilderDoesNotShareItsFaults() {
        FaultPlan.Builder base = FaultPlan.builder().seed(7).on(0, Fault.httpStatus(500));
        FaultPlan more = base.on(1, Fault.httpStatus(500)).crashAfterRequests(5).build();
        FaultPlan one = base.build();

        assertThat(more.onRequest()).containsOnlyKeys(0L, 1L);
        assertThat(more.crashAfterRequests()).isEqualTo(5);
        assertThat(one.onRequest()).containsOnlyKeys(0L);
        assertThat(one.crashAfterRequests()).isZero();
        assertThat(one.seed()).isEqualTo(7);
    }

    @Test
    void aScriptBuilderIsNotChangedByASetter() {
        Script.Builder base = Script.builder().tokens(4).ttft(Duration.ofMillis(5));
        Script chunked = base.tokensPerChunk(2).noUsage().build();
        Script plain = base.build();

        assertThat(chunked.tokensPerChunk()).isEqualTo(2);
        assertThat(chunked.usage()).isFalse();
        assertThat(plain.tokensPerChunk()).isEqualTo(1);
        assertThat(plain.usage()).isTrue();
        assertThat(plain.ttft()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void aScriptedEngineBuilderIsNotChangedByASetter() {
        ScriptedEngine.Builder base = ScriptedEngine.builder().model("m");
        ScriptedEngine other = base.model("other").dialect(Dialect.LLAMA_CPP).build();
        ScriptedEngine plain = base.build();

        assertThat(other.describe()).containsEntry("model", "other").containsEntry("dialect", "LLAMA_CPP");
        assertThat(plain.describe()).containsEntry("model", "m").containsEntry("dialect", "VLLM");
    }

    @Test
    void aVirtualSaturationSearchBuilderIsNotChangedByASetter() {
        VirtualSaturationSearch.Builder base = VirtualSaturationSearch.builder(SimConfig.builder().build()).seed(1);
        VirtualSaturationSearch more = base.requests(3000).seed(9).build();
        VirtualSaturationSearch plain = base.build();

        assertThat(more.toString()).contains("3000 requests, seed 9");
        assertThat(plain.toString()).contains("2000 requests, seed 1");
    }
}
