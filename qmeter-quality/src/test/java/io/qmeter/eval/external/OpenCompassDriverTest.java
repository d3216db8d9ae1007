package io.qmeter.eval.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenCompassDriverTest {

    @TempDir
    Path dir;

    /** OpenCompass's summary CSV: dataset,version,metric,mode,<model abbr>; values 0-100. */
    static final String SUMMARY = """
            dataset,version,metric,mode,qmeter
            gsm8k,1d7fe4,accuracy,gen,28.75
            openai_humaneval,8e312c,humaneval_pass@1,gen,12.20
            --- Chat ---,-,-,-,-
            """;

    private Path script(String name, String body) throws Exception {
        return StandInTools.script(dir, name, body);
    }

    @Test
    void theConfigDeclaresTheEngineAsAnOpenAiApiModelAndImportsTheDatasets() {
        OpenCompassDriver d = OpenCompassDriver.create(dir)
                .withDatasets(List.of("gsm8k/gsm8k_gen", "mmlu/mmlu_gen:mmlu_datasets")).withMaxOutLen(512).withBatchSize(8);
        String c = d.config(new StandInTools.Handle());
        assertThat(c).contains("from opencompass.models import OpenAISDK")
                .contains("    from opencompass.configs.datasets.gsm8k.gsm8k_gen import gsm8k_datasets as _qm0_gsm8k_datasets\n")
                .contains("    from opencompass.configs.datasets.mmlu.mmlu_gen import mmlu_datasets as _qm1_mmlu_datasets\n")
                .contains("datasets = [*_qm0_gsm8k_datasets, *_qm1_mmlu_datasets]")
                .contains("        type=OpenAISDK,\n")
                .contains("        path='meta-llama/Llama-2-13b-hf',\n")
                .contains("        key='EMPTY',\n")
                .contains("        openai_api_base='http://127.0.0.1:8000/v1',\n")
                .contains("        abbr='qmeter',\n")
                .contains("        batch_size=8,\n")
                .contains("        max_out_len=512,\n");
        assertThat(d.command()).containsExactly("opencompass", dir.toAbsolutePath().resolve("qmeter_opencompass.py").toString(),
                "-w", dir.toAbsolutePath().toString());
        assertThatThrownBy(() -> OpenCompassDriver.create(dir).withDatasets(List.of("gsm8k; rm -rf /")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<folder>/<config>");
    }

    @Test
    void aStandInExecutableRunsAndItsSummaryIsParsedIntoScores() throws Exception {
        Path summary = Files.writeString(dir.resolve("summary-template.csv"), SUMMARY);
        Path args = dir.resolve("args.txt");
        // the stand-in writes OpenCompass's documented layout under -w: <ts>/summary/summary_<ts>.csv, results/<abbr>/*.json
        Path exe = script("opencompass", "echo \"$@\" > " + args + "\n"
                + "cfg=$1; w=$3; ts=20261202_021500\n"
                + "grep -q \"openai_api_base='http://127.0.0.1:8000/v1'\" \"$cfg\" || exit 9\n"
                + "mkdir -p \"$w/$ts/summary\" \"$w/$ts/results/qmeter\"\n"
                + "echo 'Task [qmeter/gsm8k]'\n"
                + "cp " + summary + " \"$w/$ts/summary/summary_$ts.csv\"\n"
                + "echo '{\"accuracy\": 28.75, \"extra_accuracy\": 30.5, \"details\": {}}' > \"$w/$ts/results/qmeter/gsm8k.json\"\n");
        List<QualityScore> s = OpenCompassDriver.create(dir.resolve("work")).withExecutable(exe.toString())
                .withDatasets(List.of("gsm8k/gsm8k_gen", "humaneval/humaneval_gen")).run(new StandInTools.Handle());
        assertThat(Files.readString(args)).contains("qmeter_opencompass.py -w");
        assertThat(Files.readString(dir.resolve("work/opencompass.log"))).contains("Task [qmeter/gsm8k]");
        assertThat(s).hasSize(2);
        assertThat(s.get(0).benchmark()).isEqualTo("opencompass/gsm8k");
        assertThat(s.get(0).metric()).isEqualTo("accuracy");
        assertThat(s.get(0).value()).isEqualTo(28.75);
        assertThat(s.get(0).secondary()).containsOnlyKeys("extra_accuracy").containsEntry("extra_accuracy", 30.5);
        assertThat(s.get(0).standardError()).isNaN();
        assertThat(s.get(1).benchmark()).isEqualTo("opencompass/openai_humaneval");
        assertThat(s.get(1).metric()).isEqualTo("humaneval_pass@1");
        assertThat(s.get(1).value()).isEqualTo(12.20);
    }

    @Test
    void aMissingExecutableAFailureNoSummaryAndAFailedDatasetAreClearErrors() throws Exception {
        OpenCompassDriver base = OpenCompassDriver.create(dir.resolve("a")).withDatasets(List.of("gsm8k/gsm8k_gen"));
        assertThatThrownBy(() -> base.withExecutable(dir.resolve("no-such-opencompass").toString())
                .run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("pip install opencompass")
                .hasMessageContaining("no-such-opencompass");
        Path failing = script("failing", "echo 'ModuleNotFoundError: opencompass.configs.datasets.gsm9k' >&2\nexit 1\n");
        assertThatThrownBy(() -> base.withExecutable(failing.toString()).run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("exited with code 1")
                .hasMessageContaining("ModuleNotFoundError");
        Path silent = script("silent", "exit 0\n");
        assertThatThrownBy(() -> base.withExecutable(silent.toString()).run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("wrote no summary");
        Path slow = script("slow", "sleep 30\n");
        assertThatThrownBy(() -> base.withExecutable(slow.toString()).withTimeout(Duration.ofMillis(300))
                .run(new StandInTools.Handle()))
                .isInstanceOf(QualityException.class).hasMessageContaining("ran longer than");
        Path failed = Files.writeString(dir.resolve("failed.csv"), "dataset,version,metric,mode,qmeter\ngsm8k,1d7fe4,accuracy,gen,-\n");
        assertThatThrownBy(() -> OpenCompassDriver.parse(failed, "qmeter", 1, false))
                .isInstanceOf(QualityException.class).hasMessageContaining("no value for dataset gsm8k");
        Path notSummary = Files.writeString(dir.resolve("x.csv"), "a,b\n1,2\n");
        assertThatThrownBy(() -> OpenCompassDriver.parse(notSummary, null, 1, false))
                .isInstanceOf(QualityException.class).hasMessageContaining("dataset,version,metric,mode");
        Path otherModel = Files.writeString(dir.resolve("o.csv"), SUMMARY);
        assertThatThrownBy(() -> OpenCompassDriver.parse(otherModel, "llama", 1, false))
                .hasMessageContaining("no column for model 'llama'");
    }
}
