package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmeter.engine.EngineHandle;
import io.qmeter.testkit.sim.ModelSpec;
import io.qmeter.testkit.sim.QualityModel;
import io.qmeter.testkit.sim.QuantMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedEngineQualityTest {

    private static String body(String item, String reference, boolean stream) throws Exception {
        return TestHttp.JSON.writeValueAsString(Map.of("model", "llama-2-13b", "prompt", "Question: eggs?\nAnswer:",
                "max_tokens", 256, "stream", stream, "stop", java.util.List.of("Question:"),
                "qmeter_task", "gsm8k", "qmeter_item", item, "qmeter_reference", reference));
    }

    @Test
    void aQualityItemIsAnsweredFromTheQualityModelNotWithSyntheticWords() throws Exception {
        String ref = "She has 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = $18.\n#### 18";
        SimulatedEngine e = SimulatedEngine.builder().model("llama-2-13b").quantization("W8A8-INT").seed(3).build();
        QualityModel m = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8_INT);
        int right = 0;
        try (EngineHandle h = e.start()) {
            for (int i = 0; i < 12; i++) {
                boolean stream = i % 2 == 0;
                TestHttp.Result r = TestHttp.post(h.baseUrl(), "/v1/completions", body("gsm8k/" + i, ref, stream));
                assertThat(r.status()).isEqualTo(200);
                String text = stream ? TestHttp.text(r) : r.json().path("choices").path(0).path("text").asText();
                assertThat(text).as("item %d", i).isEqualTo(m.answer("gsm8k", "gsm8k/" + i, ref, 3));
                JsonNode last = stream ? r.chunks().get(r.chunks().size() - 1) : r.json();
                if (!stream) {
                    assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
                    assertThat(last.path("usage").path("completion_tokens").asInt())
                            .isEqualTo(text.trim().split("\\s+").length);
                }
                right += text.equals(" " + ref) ? 1 : 0;
            }
            assertThat(right).as("W8A8-INT 13B is mostly wrong on math").isLessThan(6);
            // without the simulator-only fields: synthetic words as before
            TestHttp.Result plain = TestHttp.post(h.baseUrl(), "/v1/completions", TestHttp.completion(5, false));
            assertThat(plain.json().path("choices").path(0).path("text").asText()).doesNotContain("####");
        }
    }
}
