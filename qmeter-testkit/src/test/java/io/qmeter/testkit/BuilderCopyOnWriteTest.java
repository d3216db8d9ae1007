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

    /**
     * Every field of every builder survives {@code copy()}: a field added later but left out of
     * {@code copy()} would be dropped by the next setter (this failed for the starting bracket).
     */
    @Test
    void copyKeepsEveryFieldOfEveryBuilder() throws Exception {
        Object[] builders = {SimulatedEngine.builder().model("Llama-2-13B").quantization("W8A8-INT").port(1234)
                .servedModelName("served").seed(5).dialect(Dialect.LLAMA_CPP).onCrash(() -> { }),
                ScriptedEngine.builder().model("m").port(99).contextLength(512).recordRequests(false)
                        .dialect(Dialect.LLAMA_CPP).dispatcher(r -> Script.immediate()),
                FaultPlan.builder().seed(3).crashAfterRequests(9).crashAt(Duration.ofSeconds(2))
                        .on(1, Fault.httpStatus(500)).withProbability(0.5, Fault.hang()),
                Script.builder().ttft(Duration.ofMillis(3)).tokens(7).tokensPerChunk(2).noUsage()
                        .finishReason("length").status(503, "busy").fault(Fault.hang()),
                SimConfig.builder().model("Llama-2-13B").tensorParallel(2).maxNumSeqs(32).blockSize(32)
                        .flopEfficiency(0.5).seed(4),
                VirtualSaturationSearch.builder(SimConfig.builder().build()).requests(300).seed(8)
                        .relativePrecision(0.02).startingBracket(2, 9)};
        for (Object b : builders) {
            java.lang.reflect.Method copy = b.getClass().getDeclaredMethod("copy");
            copy.setAccessible(true);
            Object c = copy.invoke(b);
            for (java.lang.reflect.Field f : b.getClass().getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object original = f.get(b);
                Object copied = f.get(c);
                if (java.lang.reflect.Modifier.isFinal(f.getModifiers())
                        && (original instanceof java.util.Collection || original instanceof java.util.Map)) {
                    // a builder's own mutable collection: the copy must have its own
                    assertThat(copied).as("%s.%s", b.getClass().getName(), f.getName()).isEqualTo(original)
                            .isNotSameAs(original);
                } else {
                    assertThat(copied).as("%s.%s", b.getClass().getName(), f.getName()).isEqualTo(original);
                }
            }
        }
    }
}
