package io.qmeter.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.eval.SharedData;
import io.qmeter.eval.score.Gsm8kScorer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadersTest {

    private static final String HE_LINE = "{\"task_id\":\"HumanEval/0\",\"prompt\":\"def f():\\n\",\"canonical_solution\":"
            + "\"    return 1\\n\",\"test\":\"def check(c):\\n    assert c() == 1\\n\",\"entry_point\":\"f\"}";

    @Test
    void realHumanEvalHas164Problems() {
        Optional<Path> f = SharedData.file("HumanEval.jsonl.gz");
        assumeTrue(f.isPresent(), SharedData.missing("HumanEval.jsonl.gz"));
        List<HumanEvalProblem> all = HumanEvalLoader.load(f.get());
        assertThat(all).hasSize(164);
        assertThat(all.get(0).taskId()).isEqualTo("HumanEval/0");
        assertThat(all.get(163).taskId()).isEqualTo("HumanEval/163");
        assertThat(all.get(0).entryPoint()).isEqualTo("has_close_elements");
        assertThat(all.get(0).program("    pass\n")).startsWith(all.get(0).prompt() + "    pass\n\n")
                .endsWith("check(has_close_elements)\n");
    }

    @Test
    void everyRealGsm8kAnswerExtractsToItsOwnNumber() {
        Optional<Path> f = SharedData.file("gsm8k-test.jsonl");
        assumeTrue(f.isPresent(), SharedData.missing("gsm8k-test.jsonl"));
        List<Gsm8kProblem> all = Gsm8kLoader.load(f.get());
        assertThat(all).hasSize(1319);
        for (Gsm8kProblem p : all) {
            assertThat(Gsm8kScorer.strictMatch(p.answer(), p.answer())).as(p.id() + " strict").isTrue();
            assertThat(Gsm8kScorer.flexibleMatch(p.answer(), p.answer())).as(p.id() + " flexible").isTrue();
            assertThat(p.finalAnswer()).as(p.id()).matches("-?[0-9.]+");
        }
        assertThat(all.get(0).finalAnswer()).isEqualTo("18");
    }

    @Test
    void plainAndGzippedFixturesLoadAlike(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("he.jsonl");
        Files.writeString(plain, HE_LINE + "\n\n");
        Path gz = dir.resolve("he.data");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write((HE_LINE + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(HumanEvalLoader.load(gz)).isEqualTo(HumanEvalLoader.load(plain)).hasSize(1);
    }

    @Test
    void missingFileSaysWhere(@TempDir Path dir) {
        assertThatThrownBy(() -> HumanEvalLoader.load(dir.resolve("nope.jsonl")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("HumanEval file not found").hasMessageContaining("nope.jsonl");
    }

    @Test
    void wrongFormatNamesTheLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.jsonl");
        Files.writeString(f, HE_LINE + "\nthis is not json\n");
        assertThatThrownBy(() -> HumanEvalLoader.load(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("line 2").hasMessageContaining("is not JSON");
        Path arr = dir.resolve("a.json");
        Files.writeString(arr, "[{\"question\":\"q\"}]\n");
        assertThatThrownBy(() -> Gsm8kLoader.load(arr)).hasMessageContaining("line 1")
                .hasMessageContaining("not a JSON object");
        Path empty = dir.resolve("e.jsonl");
        Files.writeString(empty, "\n");
        assertThatThrownBy(() -> Gsm8kLoader.load(empty)).hasMessageContaining("holds no items");
        Path badGz = dir.resolve("b.gz");
        Files.write(badGz, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        assertThatThrownBy(() -> HumanEvalLoader.load(badGz)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("gzip");
    }

    @Test
    void missingFieldNamesItemAndField(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("g.jsonl");
        Files.writeString(f, "{\"question\":\"q0\",\"answer\":\"#### 1\"}\n{\"question\":\"q1\"}\n");
        assertThatThrownBy(() -> Gsm8kLoader.load(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("item 1").hasMessageContaining("line 2").hasMessageContaining("'answer'");
        Path h = dir.resolve("h.jsonl");
        Files.writeString(h, HE_LINE.replace("\"entry_point\":\"f\"", "\"entry_point\":7") + "\n");
        assertThatThrownBy(() -> HumanEvalLoader.load(h)).hasMessageContaining("'entry_point' must be a string");
        Path noHash = dir.resolve("n.jsonl");
        Files.writeString(noHash, "{\"question\":\"q\",\"answer\":\"42\"}\n");
        assertThatThrownBy(() -> Gsm8kLoader.load(noHash)).hasMessageContaining("no '#### <number>'");
    }
}
