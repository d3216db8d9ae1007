package io.qmeter.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QualityModelTest {

    private static double relativeDrop(ModelSpec m, QuantMethod q, String task) {
        return 1 - QualityModel.of(m, q).probabilityCorrect(task) / QualityModel.of(m, QuantMethod.FP16).probabilityCorrect(task);
    }

    @Test
    void theSeedsStatedDegradationsHold() {
        // 13B HumanEval: the worst case, up to -92 %, from the most severe method W8A8-INT
        assertThat(relativeDrop(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8_INT, "humaneval")).isCloseTo(0.92, within(1e-9));
        for (QuantMethod q : QuantMethod.known()) {
            for (ModelSpec m : new ModelSpec[] {ModelSpec.LLAMA_2_7B, ModelSpec.LLAMA_2_13B, ModelSpec.CODELLAMA_34B,
                ModelSpec.LLAMA_2_70B}) {
                for (String task : new String[] {"gsm8k", "humaneval", "triviaqa", "summarization"}) {
                    double d = relativeDrop(m, q, task);
                    assertThat(d).as("%s %s %s", m.name(), q.name(), task).isBetween(0.0, 0.92 + 1e-9);
                    assertThat(d).as("W8A8-INT is the most severe: %s %s %s", m.name(), q.name(), task)
                            .isLessThanOrEqualTo(relativeDrop(m, QuantMethod.W8A8_INT, task) + 1e-12);
                }
            }
        }
        // quality-preserving methods lose at most 5-10 %
        for (QuantMethod q : new QuantMethod[] {QuantMethod.W8A16_INT, QuantMethod.W8A8_FP, QuantMethod.W8A8KV8_FP}) {
            assertThat(relativeDrop(ModelSpec.LLAMA_2_13B, q, "gsm8k")).isBetween(0.05, 0.10);
        }
        // 4-bit: up to 22 % on larger models
        assertThat(relativeDrop(ModelSpec.CODELLAMA_34B, QuantMethod.W4A16_INT, "humaneval")).isBetween(0.15, 0.23);
        assertThat(relativeDrop(ModelSpec.LLAMA_2_70B, QuantMethod.W4A8, "gsm8k")).isLessThanOrEqualTo(0.22);
        // KV compression worsens weight-only methods
        assertThat(relativeDrop(ModelSpec.LLAMA_2_13B, QuantMethod.W4A16KV8_INT, "gsm8k"))
                .isGreaterThan(relativeDrop(ModelSpec.LLAMA_2_13B, QuantMethod.W4A16_INT, "gsm8k"));
        // chat-S 13B: 60 -> 50.48 for W8A8KV8-INT (-16 %); 70B chat nearly lossless
        assertThat(relativeDrop(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8KV8_INT, "triviaqa")).isCloseTo(0.16, within(0.01));
        assertThat(relativeDrop(ModelSpec.LLAMA_2_70B, QuantMethod.W4A16_INT, "triviaqa")).isLessThan(0.03);
    }

    @Test
    void chatBenchmarksHaveThePublishedFp16BaselinesPerSizeAndKeepTheQaDrops() {
        // Llama 2 base models, Touvron et al. 2023, Table 3: MMLU 5-shot and BBH 3-shot per size
        ModelSpec[] sizes = {ModelSpec.LLAMA_2_7B, ModelSpec.LLAMA_2_13B, ModelSpec.CODELLAMA_34B, ModelSpec.LLAMA_2_70B};
        double[] mmlu = {0.453, 0.548, 0.626, 0.689};
        double[] bbh = {0.326, 0.394, 0.441, 0.512};
        for (int i = 0; i < sizes.length; i++) {
            QualityModel fp16 = QualityModel.of(sizes[i], QuantMethod.FP16);
            assertThat(fp16.probabilityCorrect("mmlu")).isEqualTo(mmlu[i]);
            assertThat(fp16.probabilityCorrect("mmlu_abstract_algebra")).isEqualTo(mmlu[i]);
            assertThat(fp16.probabilityCorrect("bbh")).isEqualTo(bbh[i]);
            // the drop of a chat benchmark is the QA drop, unchanged by the new baselines
            assertThat(relativeDrop(sizes[i], QuantMethod.W8A8_INT, "bbh"))
                    .isCloseTo(relativeDrop(sizes[i], QuantMethod.W8A8_INT, "triviaqa"), within(1e-12));
            if (i > 0) {
                assertThat(fp16.base("bbh")).isGreaterThan(QualityModel.of(sizes[i - 1], QuantMethod.FP16).base("bbh"));
            }
        }
        // chat-R (mean of BBH and MMLU): 7B FP16 39 % is below the seed's chat-R floor of 50, 70B FP16 60 % above it
        double chatR7 = (QualityModel.of(ModelSpec.LLAMA_2_7B, QuantMethod.FP16).probabilityCorrect("bbh")
                + QualityModel.of(ModelSpec.LLAMA_2_7B, QuantMethod.FP16).probabilityCorrect("mmlu")) / 2;
        double chatR70 = (QualityModel.of(ModelSpec.LLAMA_2_70B, QuantMethod.FP16).probabilityCorrect("bbh")
                + QualityModel.of(ModelSpec.LLAMA_2_70B, QuantMethod.FP16).probabilityCorrect("mmlu")) / 2;
        assertThat(chatR7).isCloseTo(0.3895, within(1e-9));
        assertThat(chatR70).isCloseTo(0.6005, within(1e-9));
        // other benchmarks keep their family's base
        QualityModel m13 = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.FP16);
        assertThat(m13.base("triviaqa")).isEqualTo(m13.base(QualityModel.Family.QA));
        assertThat(m13.base("gsm8k")).isEqualTo(m13.base(QualityModel.Family.MATH));
        assertThat(m13.base("hellaswag")).isEqualTo(0.807);
        assertThat(m13.base("arc-challenge")).isEqualTo(0.494);
        assertThat(m13.base("winogrande")).isEqualTo(0.728);
    }

    @Test
    void answersAreSeededRightOrWrongAndAQuantizedModelIsNeverRightWhereFp16IsWrong() {
        QualityModel fp16 = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.FP16);
        QualityModel w8a8 = QualityModel.of(ModelSpec.LLAMA_2_13B, QuantMethod.W8A8_INT);
        String ref = "Janet sells 16 - 3 - 4 = 9 eggs.\n#### 1,018";
        int right16 = 0;
        int right8 = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            String item = "gsm8k/" + i;
            String a16 = fp16.answer("gsm8k", item, ref, 7);
            String a8 = w8a8.answer("gsm8k", item, ref, 7);
            assertThat(fp16.answer("gsm8k", item, ref, 7)).isEqualTo(a16);
            boolean ok16 = a16.equals(" " + ref);
            boolean ok8 = a8.equals(" " + ref);
            if (!ok16) {
                assertThat(a16).startsWith(" Janet sells").matches("(?s).*#### \\d+").doesNotEndWith("#### 1018");
            }
            assertThat(!ok16 && ok8).as("item %d", i).isFalse();
            right16 += ok16 ? 1 : 0;
            right8 += ok8 ? 1 : 0;
        }
        assertThat(right16 / (double) n).isCloseTo(fp16.probabilityCorrect("gsm8k"), within(0.025));
        assertThat(right8 / (double) n).isCloseTo(w8a8.probabilityCorrect("gsm8k"), within(0.01));
        assertThat(fp16.answer("humaneval", "HumanEval/0#0", "    return 1\n", 1)).isIn("    return 1\n",
                "    return None\n");
    }
}
