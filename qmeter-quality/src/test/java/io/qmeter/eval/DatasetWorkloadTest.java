package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.eval.data.DatasetException;
import io.qmeter.eval.data.Fixtures;
import io.qmeter.eval.data.HumanEvalLoader;
import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.TokenCounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetWorkloadTest {

    private static List<PromptSpec> all(DatasetWorkload w) {
        List<PromptSpec> out = new ArrayList<>();
        w.prompts(5L).forEachRemaining(out::add);
        return out;
    }

    @Test
    void humanEvalReplaysItsPromptsWithTheCanonicalSolutionsLength() {
        TokenCounter words = s -> s.isBlank() ? 0 : s.strip().split("\\s+").length;
        DatasetWorkload w = DatasetWorkload.humanEval(Fixtures.file("humaneval.jsonl"), words);
        List<PromptSpec> ps = all(w);
        assertThat(ps).hasSize(3);
        PromptSpec add = ps.stream().filter(p -> p.text().startsWith("def add")).findFirst().orElseThrow();
        assertThat(add.reference()).isEqualTo("    return a + b\n");
        assertThat(add.outputTokens()).isEqualTo(4);
        assertThat(add.inputTokens()).isEqualTo(words.count(add.text()));
        assertThat(w.name()).isEqualTo("humaneval(humaneval.jsonl)");
    }

    @Test
    void newsQaReplaysTheBenchmarksPromptWithTheAnswersLength() {
        DatasetWorkload w = DatasetWorkload.summarization(Fixtures.file("newsqa.jsonl"));
        List<PromptSpec> ps = all(w);
        assertThat(ps).hasSize(2);
        assertThat(ps).allMatch(p -> p.text().contains("city council") || p.text().contains("mountain road"));
        assertThat(ps).extracting(PromptSpec::reference).containsExactlyInAnyOrder("a new library", "on Friday");
    }

    @Test
    void shareGptSkipsConversationsWithoutAnExchange() {
        DatasetWorkload w = DatasetWorkload.shareGpt(Fixtures.file("sharegpt.json"));
        assertThat(w.size()).isEqualTo(2);
        assertThat(w.skipped()).isEqualTo(1);
        assertThat(w.describe()).containsEntry("items", 2).containsEntry("skipped", 1);
    }

    @Test
    void cycledNeverEnds() {
        Iterator<PromptSpec> it = DatasetWorkload.shareGpt(Fixtures.file("sharegpt.json")).cycled().prompts(1L);
        for (int i = 0; i < 7; i++) {
            assertThat(it.next()).isNotNull();
        }
        assertThat(it.hasNext()).isTrue();
    }

    @Test
    void aWrongFileIsADatasetError() {
        assertThatThrownBy(() -> DatasetWorkload.humanEval(Fixtures.file("arc.jsonl")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("no field");
    }

    @Test
    void realHumanEvalMeanLengthsBesideTable2() {
        Path f = SharedData.file("HumanEval.jsonl.gz").orElse(null);
        assumeTrue(f != null, SharedData.missing("HumanEval.jsonl.gz"));
        DatasetWorkload w = DatasetWorkload.humanEval(f);
        double[] m = w.meanLengths();
        System.out.printf("HumanEval replay: %d prompts, mean %.1f input / %.1f output tokens (~4 chars/token; "
                + "the seed's Table 2: 193 / 67)%n", w.size(), m[0], m[1]);
        assertThat(w.size()).isEqualTo(HumanEvalLoader.load(f).size());
        assertThat(m[0]).isBetween(100.0, 300.0);
        assertThat(m[1]).isBetween(30.0, 120.0);
    }
}
