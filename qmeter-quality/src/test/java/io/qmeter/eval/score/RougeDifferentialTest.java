package io.qmeter.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our ROUGE against Google's {@code rouge-score} itself on seeded random texts (inflections,
 * punctuation, digits, several sentences), where a Python with {@code rouge_score} is available
 * ({@code pip install rouge-score}); skipped with that reason elsewhere.
 */
class RougeDifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"the", "a", "an", "cat", "cats", "running", "runs", "ran", "generalization",
        "generalizations", "happy", "happiness", "relational", "sky", "skies", "dying", "news", "model", "models",
        "quantized", "quantization", "energy", "42", "3.5", "GPU", "GPUs", "don't", "co-operate", "ponies", "agreed",
        "tokens", "latency", "x"};
    private static final String[] SEPARATORS = {" ", " ", " ", ", ", ". ", "\n", " — ", "!  ", "\n\n", "-"};

    private static Optional<String> pythonWithRougeScore() {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "from rouge_score import rouge_scorer").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(py);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String text(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(0, 25);
        for (int i = 0; i < n; i++) {
            b.append(WORDS[r.nextInt(WORDS.length)]).append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
        }
        return b.toString();
    }

    @Test
    void agreesWithRougeScoreOnRandomTexts(@TempDir Path dir) throws Exception {
        Optional<String> py = pythonWithRougeScore();
        assumeTrue(py.isPresent(), "Python package rouge_score is not installed (pip install rouge-score); "
                + "ROUGE is checked against it only where it is");
        SplittableRandom r = new SplittableRandom(20261201L);
        List<String[]> pairs = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String[] p = {text(r), text(r)};
            pairs.add(p);
            lines.add(JSON.writeValueAsString(List.of(p[0], p[1])));
        }
        Path in = dir.resolve("pairs.jsonl");
        Files.write(in, lines);
        String script = "import sys, json\nfrom rouge_score import rouge_scorer\n"
                + "t = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum']\n"
                + "s0 = rouge_scorer.RougeScorer(t, use_stemmer=False)\ns1 = rouge_scorer.RougeScorer(t, use_stemmer=True)\n"
                + "for line in open(sys.argv[1]):\n"
                + "    a, b = json.loads(line)\n"
                + "    print(json.dumps({str(k): [s.score(a, b)[x].fmeasure for x in t] for k, s in ((0, s0), (1, s1))}))\n";
        Path out = dir.resolve("scores.jsonl");
        Process p = new ProcessBuilder(py.get(), "-c", script, in.toString()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<String> results = Files.readAllLines(out);
        assertThat(results).hasSize(pairs.size());
        Map<String, Rouge> scorers = Map.of("0", Rouge.withoutStemmer(), "1", Rouge.withStemmer());
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            JsonNode ref = JSON.readTree(results.get(i));
            for (Map.Entry<String, Rouge> e : scorers.entrySet()) {
                Rouge.Scores s = e.getValue().score(pairs.get(i)[0], pairs.get(i)[1]);
                double[] ours = {s.rouge1().fmeasure(), s.rouge2().fmeasure(), s.rougeL().fmeasure(),
                    s.rougeLsum().fmeasure()};
                for (int k = 0; k < 4; k++) {
                    double theirs = ref.get(e.getKey()).get(k).asDouble();
                    if (Math.abs(ours[k] - theirs) > 1e-12) {
                        mismatches.add("pair " + i + " stemmer=" + e.getKey() + " measure " + k + ": rouge-score "
                                + theirs + ", ours " + ours[k] + " for " + JSON.writeValueAsString(pairs.get(i)));
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
