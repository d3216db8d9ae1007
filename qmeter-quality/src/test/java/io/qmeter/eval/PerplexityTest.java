package io.qmeter.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qmeter.eval.data.DatasetException;
import io.qmeter.testkit.ScriptedEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerplexityTest {

    @TempDir
    Path tmp;

    @Test
    void wordBytAndTokenPerplexityFromHandComputedLogLikelihoods() throws IOException {
        // "the cat sat\non the mat" : 6 words, 22 bytes; the test tokenizer gives 6 tokens, the first unscored.
        // log-probabilities: every token -1 except " mat" -3  => LL = -1*4 + -3 = -7 over 5 scored tokens
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "the cat sat\non the mat");
        try (ScriptedEngine server = EchoServers.vllm(t -> t.equals(" mat") ? -3.0 : -1.0, p -> "", new ArrayList<>())) {
            Perplexity.Result r = Perplexity.of(f).run(server.start(), Duration.ofSeconds(30), 2);
            assertThat(r.chunks()).isEqualTo(1);
            assertThat(r.scoredTokens()).isEqualTo(5);
            assertThat(r.unscoredTokens()).isEqualTo(1);
            assertThat(r.words()).isEqualTo(6);
            assertThat(r.bytes()).isEqualTo(22);
            assertThat(r.logLikelihood()).isEqualTo(-7.0);
            assertThat(r.tokenPerplexity()).isCloseTo(Math.exp(7.0 / 5), within(1e-12));
            assertThat(r.wordPerplexity()).isCloseTo(Math.exp(7.0 / 6), within(1e-12));
            assertThat(r.bytePerplexity()).isCloseTo(Math.exp(7.0 / 22), within(1e-12));
            assertThat(r.bitsPerByte()).isCloseTo(7.0 / 22 / Math.log(2), within(1e-12));
        }
    }

    @Test
    void chunksCutAtWhiteSpaceAndConcatenateToTheText() {
        String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
        List<String> chunks = Perplexity.ofText("x", text).withChunkChars(16).chunks();
        assertThat(String.join("", chunks)).isEqualTo(text);
        assertThat(chunks).allMatch(c -> c.length() <= 16);
        assertThat(chunks.subList(1, chunks.size())).allMatch(c -> c.startsWith(" "));
    }

    @Test
    void wordsCountsAsPythonsReSplit() {
        assertThat(Perplexity.words("a b")).isEqualTo(2);
        assertThat(Perplexity.words(" a b")).isEqualTo(3);
        assertThat(Perplexity.words("a b\n")).isEqualTo(3);
        assertThat(Perplexity.words("a\n\n b")).isEqualTo(2);
    }

    @Test
    void aServerWithoutPromptLogprobsIsRefused() {
        String llama = "{\"error\":{\"code\":500,\"message\":\"Unsupported param: echo\",\"type\":\"server_error\"}}";
        try (ScriptedEngine server = EchoServers.refusing(500, llama)) {
            assertThatThrownBy(() -> Perplexity.ofText("x", "some text here").run(server.start(), Duration.ofSeconds(30), 1))
                    .isInstanceOf(PromptLogprobsUnsupportedException.class)
                    .hasMessageStartingWith("perplexity of x:")
                    .hasMessageContaining("Unsupported param: echo");
        }
    }

    @Test
    void aMissingOrEmptyFileIsAClearError() throws IOException {
        assertThatThrownBy(() -> Perplexity.of(tmp.resolve("none.txt"))).isInstanceOf(DatasetException.class)
                .hasMessageContaining("not found").hasMessageContaining("none.txt");
        Path empty = Files.writeString(tmp.resolve("e.txt"), "  \n");
        assertThatThrownBy(() -> Perplexity.of(empty)).hasMessageContaining("is empty");
    }
}
