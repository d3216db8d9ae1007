package io.qmeter.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.eval.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PorterStemmerTest {

    @Test
    void portersOwnExamplesInNltkMode() {
        PorterStemmer s = PorterStemmer.nltk();
        String[][] cases = {
            {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "tie"}, {"cats", "cat"}, {"feed", "feed"},
            {"agreed", "agre"}, {"plastered", "plaster"}, {"motoring", "motor"}, {"sing", "sing"},
            {"conflated", "conflat"}, {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"},
            {"tanned", "tan"}, {"falling", "fall"}, {"hissing", "hiss"}, {"fizzed", "fizz"},
            {"failing", "fail"}, {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"}, {"skies", "sky"},
            {"relational", "relat"}, {"generalizations", "gener"}, {"running", "run"}, {"dying", "die"},
            {"is", "is"}, {"controll", "control"}, {"roll", "roll"},
        };
        for (String[] c : cases) {
            assertThat(s.stem(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void originalAlgorithmDiffersWhereNltkExtends() {
        PorterStemmer o = PorterStemmer.original();
        assertThat(o.stem("ties")).isEqualTo("ti");
        assertThat(o.stem("skies")).isEqualTo("ski");
        assertThat(o.stem("dying")).isEqualTo("dy");
        assertThat(o.stem("is")).isEqualTo("i");
        assertThat(o.stem("caresses")).isEqualTo("caress");
    }

    /** A Python 3 that can import nltk: Debian's {@code /usr/bin/python3} first, then {@code python3}. */
    static Optional<String> pythonWithNltk() {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import nltk").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(py);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not this one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Test
    void agreesWithNltkWordForWord(@TempDir Path dir) throws Exception {
        Optional<String> py = pythonWithNltk();
        assumeTrue(py.isPresent(), "NLTK is not installed (apt-get install -y python3-nltk); "
                + "the stemmer is checked against it only where it is");
        TreeSet<String> words = new TreeSet<>(List.of("generalizations", "oscillators", "happiness", "sky",
                "dying", "feudalism", "hopefulli", "analogi", "archeologi", "ies", "dies", "died", "cried",
                "y", "by", "syzygy", "electricity", "conditional", "rationalizing", "formalli", "eed",
                "proceed", "succeeded", "news", "innings", "howe", "a", "as", "abilities", "probabli",
                "sensibilities", "agreeable", "bled", "bling", "hoping", "owed", "axed"));
        Optional<Path> gsm = SharedData.file("gsm8k-test.jsonl");
        if (gsm.isPresent()) {
            for (String line : Files.readAllLines(gsm.get())) {
                for (String w : line.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                    if (!w.isEmpty()) {
                        words.add(w);
                    }
                }
            }
        }
        Path in = dir.resolve("words.txt");
        Files.write(in, words, StandardCharsets.UTF_8);
        String script = "import sys\nfrom nltk.stem import porter\n"
                + "a = porter.PorterStemmer()\nb = porter.PorterStemmer(porter.PorterStemmer.ORIGINAL_ALGORITHM)\n"
                + "for w in open(sys.argv[1]).read().split('\\n'):\n"
                + "    if w: print(w + '\\t' + a.stem(w) + '\\t' + b.stem(w))\n";
        Path out = dir.resolve("stems.tsv");
        Process p = new ProcessBuilder(py.get(), "-c", script, in.toString()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nltk finished").isTrue();
        assertThat(p.exitValue()).isZero();
        PorterStemmer nltk = PorterStemmer.nltk();
        PorterStemmer original = PorterStemmer.original();
        List<String> mismatches = new ArrayList<>();
        List<String> lines = Files.readAllLines(out);
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (!nltk.stem(f[0]).equals(f[1])) {
                mismatches.add("nltk " + f[0] + ": expected " + f[1] + ", was " + nltk.stem(f[0]));
            }
            if (!original.stem(f[0]).equals(f[2])) {
                mismatches.add("original " + f[0] + ": expected " + f[2] + ", was " + original.stem(f[0]));
            }
        }
        assertThat(lines).hasSize(words.size());
        assertThat(mismatches).isEmpty();
    }
}
