package io.qmeter.eval.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmEvalDriverTest {

    @TempDir
    Path dir;

    /** lm-eval 0.4's results file layout (results_<time>.json under <output_path>/<model>/). */
    static final String RESULTS = """
            {
              "results": {
                "gsm8k": {
                  "alias": "gsm8k",
                  "exact_match,strict-match": 0.2874905231235785,
                  "exact_match_stderr,strict-match": 0.012464677060107086,
                  "exact_match,flexible-extract": 0.3010,
                  "exact_match_stderr,flexible-extract": 0.0126
                },
                "hellaswag": {
                  "alias": "hellaswag",
                  "acc,none": 0.5,
                  "acc_stderr,none": "N/A",
                  "acc_norm,none": 0.75,
                  "acc_norm_stderr,none": 0.05
                }
              },
              "group_subtasks": {"gsm8k": [], "hellaswag": []},
              "configs": {"gsm8k": {"task": "gsm8k", "num_fewshot": 5}},
              "versions": {"gsm8k": 3.0, "hellaswag": 1.0},
              "n-shot": {"gsm8k": 5, "hellaswag": 0},
              "higher_is_better": {"gsm8k": {"exact_match": true}},
              "n-samples": {"gsm8k": {"original": 1319, "effective": 1319}, "hellaswag": {"original": 10042, "effective": 100}},
              "config": {"model": "local-completions", "limit": null, "random_seed": 0}
            }
            """;

    private Path script(String name, String body) throws Exception {
        return StandInTools.script(dir, name, body);
    }

    @Test
    void theCommandIsWrittenForTheRunningEngine() {
        LmEvalDriver d = LmEvalDriver.builder(dir.resolve("out")).tasks("gsm8k", "hellaswag").limit(50).numFewShot(5)
                .numConcurrent(8).seed(7).extraArgs("--log_samples").build();
        assertThat(d.command(new StandInTools.Handle())).containsExactly("lm_eval", "--model", "local-completions", "--model_args",
                "model=meta-llama/Llama-2-13b-hf,base_url=http://127.0.0.1:8000/v1/completions,num_concurrent=8,"
                        + "max_retries=3,tokenized_requests=False", "--tasks", "gsm8k,hellaswag", "--output_path",
                dir.resolve("out").toAbsolutePath().toString(), "--seed", "7", "--limit", "50", "--num_fewshot", "5",
                "--log_samples");
        List<String> chat = LmEvalDriver.builder(dir).tasks("gsm8k").chat(true).build().command(new StandInTools.Handle());
        assertThat(chat).contains("local-chat-completions", "--apply_chat_template");
        assertThat(chat.get(4)).contains("base_url=http://127.0.0.1:8000/v1/chat/completions");
    }

    @Test
    void aStandInExecutableRunsAndItsResultsAreParsedIntoScores() throws Exception {
        Path results = dir.resolve("results-template.json");
        Files.writeString(results, RESULTS);
        Path args = dir.resolve("args.txt");
        // the stand-in: records its arguments and writes the results file where lm-eval would
        Path exe = script("lm_eval", "echo \"$@\" > " + args + "\n"
                + "out=''; while [ $# -gt 0 ]; do if [ \"$1\" = --output_path ]; then out=$2; fi; shift; done\n"
                + "mkdir -p \"$out/meta-llama__Llama-2-13b-hf\"\n"
                + "echo 'Running generate_until requests'\n"
                + "cp " + results + " \"$out/meta-llama__Llama-2-13b-hf/results_2026-12-02T00-00-00.000000.json\"\n");
        List<QualityScore> s = LmEvalDriver.builder(dir.resolve("out")).executable(exe.toString()).tasks("gsm8k")
                .metric("exact_match,strict-match").build().run(new StandInTools.Handle());
        assertThat(Files.readString(args)).contains("--model local-completions").contains("--tasks gsm8k");
        assertThat(Files.readString(dir.resolve("out/lm_eval.log"))).contains("Running generate_until");
        assertThat(s).hasSize(2);
        QualityScore g = s.get(0);
        assertThat(g.benchmark()).isEqualTo("lm-eval/gsm8k");
        assertThat(g.metric()).isEqualTo("exact_match,strict-match");
        assertThat(g.value()).isCloseTo(28.74905231235785, within(1e-9));
        assertThat(g.standardError()).isCloseTo(1.2464677060107086, within(1e-9));
        assertThat(g.ciLow()).isCloseTo(28.74905231235785 - 1.96 * 1.2464677060107086, within(1e-9));
        assertThat(g.n()).isEqualTo(1319);
        assertThat(g.simulated()).isFalse();
        assertThat(g.secondary()).containsOnlyKeys("exact_match,flexible-extract");
        assertThat(g.secondary().get("exact_match,flexible-extract")).isCloseTo(30.10, within(1e-9));
        QualityScore h = s.get(1);
        assertThat(h.metric()).as("no exact_match in hellaswag: its first metric").isEqualTo("acc,none");
        assertThat(h.standardError()).as("N/A").isNaN();
        assertThat(h.n()).isEqualTo(100);
        assertThat(h.secondary()).containsEntry("acc_norm,none", 75.0);
    }

    @Test
    void aMissingExecutableAFailureAndNoResultsAreClearErrors() throws Exception {
        assertThatThrownBy(() -> LmEvalDriver.builder(dir).executable(dir.resolve("no-such-lm_eval").toString())
                .tasks("gsm8k").build().run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("pip install \"lm-eval[api]\"")
                .hasMessageContaining("no-such-lm_eval");
        Path failing = script("failing", "echo 'ValueError: task gsm9k not found' >&2\nexit 3\n");
        assertThatThrownBy(() -> LmEvalDriver.builder(dir.resolve("f")).executable(failing.toString()).tasks("gsm9k")
                .build().run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("exited with code 3")
                .hasMessageContaining("task gsm9k not found");
        Path silent = script("silent", "exit 0\n");
        assertThatThrownBy(() -> LmEvalDriver.builder(dir.resolve("s")).executable(silent.toString()).tasks("gsm8k")
                .build().run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("wrote no results_*.json");
        Path slow = script("slow", "sleep 30\n");
        assertThatThrownBy(() -> LmEvalDriver.builder(dir.resolve("t")).executable(slow.toString()).tasks("gsm8k")
                .timeout(Duration.ofMillis(300)).build().run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("ran longer than");
        Path notResults = dir.resolve("x.json");
        Files.writeString(notResults, "{\"config\": {}}");
        assertThatThrownBy(() -> LmEvalDriver.parse(notResults, null, 1, false))
                .isInstanceOf(QualityException.class).hasMessageContaining("non-empty \"results\" object");
    }
}
