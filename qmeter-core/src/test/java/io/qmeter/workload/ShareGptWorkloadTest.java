package io.qmeter.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShareGptWorkloadTest {

    private static ShareGptWorkload fixture(TokenCounter counter) throws Exception {
        try (InputStream in = ShareGptWorkloadTest.class.getResourceAsStream("/workload/sharegpt-small.json")) {
            return ShareGptWorkload.fromStream("sharegpt-small.json", in, counter);
        }
    }

    private static List<PromptSpec> all(Workload w, long seed) {
        List<PromptSpec> out = new ArrayList<>();
        Iterator<PromptSpec> it = w.prompts(seed);
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void firstHumanTurnIsThePromptAndTheReplySetsTheOutputLength() throws Exception {
        ShareGptWorkload w = fixture(TokenCounter.estimate());
        // 7 conversations: "hi" is too short, one has no reply, one is empty -> 4 usable
        assertThat(w.size()).isEqualTo(4);
        assertThat(w.skipped()).isEqualTo(3);
        List<PromptSpec> prompts = all(w, 1);
        assertThat(prompts).hasSize(4);
        PromptSpec haiku = prompts.stream().filter(p -> p.text().startsWith("Write a haiku")).findFirst().orElseThrow();
        String reply = "Amber leaves drifting,\nthe bench holds a patient hush,\nwind counts what remains.";
        assertThat(haiku.outputTokens()).isEqualTo((reply.length() + 3) / 4);
        assertThat(haiku.inputTokens()).isEqualTo((haiku.text().length() + 3) / 4);
        assertThat(haiku.reference()).isEqualTo(reply);
        // a conversation opened by the assistant: the first human turn and the reply after it
        assertThat(prompts).anySatisfy(p -> assertThat(p.text()).startsWith("Can you explain what a Python list"));
        // the first exchange only, not the follow-up
        assertThat(prompts).noneSatisfy(p -> assertThat(p.text()).isEqualTo("And QUIC?"));
    }

    @Test
    void aPluggableCounterDecidesLengths() throws Exception {
        TokenCounter words = text -> text.split("\\s+").length;
        ShareGptWorkload w = fixture(words);
        PromptSpec haiku = all(w, 1).stream().filter(p -> p.text().startsWith("Write a haiku")).findFirst()
                .orElseThrow();
        assertThat(haiku.inputTokens()).isEqualTo(11);
        assertThat(haiku.outputTokens()).isEqualTo(13);
    }

    @Test
    void replayOrderIsSeededAndCyclingIsEndless() throws Exception {
        ShareGptWorkload w = fixture(TokenCounter.estimate());
        assertThat(all(w, 3)).isEqualTo(all(w, 3));
        assertThat(all(w, 3)).containsExactlyInAnyOrderElementsOf(all(w, 4));
        Iterator<PromptSpec> it = w.cycled().prompts(3);
        List<PromptSpec> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add(it.next());
        }
        assertThat(nine.subList(4, 8)).isEqualTo(nine.subList(0, 4));
        assertThat(it.hasNext()).isTrue();
    }

    @Test
    void badInputSaysWhatWasExpected() {
        assertThatThrownBy(() -> ShareGptWorkload.fromStream("x.json",
                new ByteArrayInputStream("{\"id\": 1}".getBytes(StandardCharsets.UTF_8)), TokenCounter.estimate()))
                .hasMessageContaining("must be a JSON array").hasMessageContaining("OBJECT");
        assertThatThrownBy(() -> ShareGptWorkload.fromStream("y.json",
                new ByteArrayInputStream("[{\"id\":\"a\",\"conversations\":[]}]".getBytes(StandardCharsets.UTF_8)),
                TokenCounter.estimate())).hasMessageContaining("no usable conversation (1 skipped)");
    }

    @Test
    void estimateIsFourCharactersPerToken() {
        assertThat(TokenCounter.estimate().count("")).isZero();
        assertThat(TokenCounter.estimate().count("abcd")).isEqualTo(1);
        assertThat(TokenCounter.estimate().count("abcde")).isEqualTo(2);
    }
}
