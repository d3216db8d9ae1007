package io.qmeter.internal.sse;

import io.qmeter.client.Fixtures;

import static io.qmeter.internal.sse.ChunkInterpreter.Kind.CONTENT;
import static io.qmeter.internal.sse.ChunkInterpreter.Kind.DONE;
import static io.qmeter.internal.sse.ChunkInterpreter.Kind.ERROR;
import static io.qmeter.internal.sse.ChunkInterpreter.Kind.MALFORMED;
import static io.qmeter.internal.sse.ChunkInterpreter.Kind.NO_CONTENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkInterpreterTest {

    private final ChunkInterpreter in = new ChunkInterpreter(true);

    private ChunkInterpreter.Kind feed(String data) {
        byte[] b = data.getBytes(UTF_8);
        return in.interpret(b, 0, b.length);
    }

    private List<ChunkInterpreter.Kind> feedFixture(String name) {
        List<ChunkInterpreter.Kind> kinds = new ArrayList<>();
        for (SseDecoder.Event e : SseDecoder.decodeAll(Fixtures.bytes(name))) {
            kinds.add(feed(e.data()));
        }
        return kinds;
    }

    @Test
    void llamaCppCompletionsStreamUsageOnTheLastChunk() {
        List<ChunkInterpreter.Kind> kinds = feedFixture("llamacpp-completions-stream.txt");
        assertThat(kinds).containsExactly(CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT,
                NO_CONTENT, DONE);
        assertThat(in.completionTokens()).isEqualTo(8);
        assertThat(in.promptTokens()).isEqualTo(5);
        assertThat(in.finishReason()).isEqualTo("length");
        assertThat(in.text()).isEqualTo(" executable бранина бра бра бранина бра");
        assertThat(in.errorMessage()).isNull();
    }

    @Test
    void llamaCppChatStreamHasNoRoleChunk() {
        List<ChunkInterpreter.Kind> kinds = feedFixture("llamacpp-chat-stream.txt");
        assertThat(kinds).containsExactly(CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, NO_CONTENT, DONE);
        assertThat(in.completionTokens()).isEqualTo(6);
        assertThat(in.promptTokens()).isEqualTo(31);
        assertThat(in.text()).isEqualTo(" otraION otraION otra otra");
    }

    @Test
    void llamaCppTokenIdStream() {
        List<ChunkInterpreter.Kind> kinds = feedFixture("llamacpp-completions-token-ids-stream.txt");
        assertThat(kinds).containsExactly(CONTENT, CONTENT, CONTENT, CONTENT, NO_CONTENT, DONE);
        assertThat(in.completionTokens()).isEqualTo(4);
        assertThat(in.promptTokens()).isEqualTo(3);
        assertThat(in.chunkTokens()).isEqualTo(-1);
    }

    @Test
    void llamaCppNonStreamingBodyWithLogprobs() {
        assertThat(feed(Fixtures.text("llamacpp-completions-nonstream-logprobs.json"))).isEqualTo(CONTENT);
        assertThat(in.text()).isEqualTo(" executable бранина бра бра");
        assertThat(in.completionTokens()).isEqualTo(5);
        assertThat(in.promptTokens()).isEqualTo(5);
        assertThat(in.finishReason()).isEqualTo("length");
    }

    @Test
    void llamaCppErrorBodies() {
        assertThat(feed(new String(Fixtures.rawResponse("llamacpp-error-n2.txt").body(), UTF_8))).isEqualTo(ERROR);
        assertThat(in.errorMessage()).isEqualTo("Only one completion choice is allowed");
        assertThat(feed(new String(Fixtures.rawResponse("llamacpp-error-badjson.txt").body(), UTF_8))).isEqualTo(ERROR);
        assertThat(in.errorMessage()).startsWith("[json.exception.parse_error.101] parse error at line 1");
    }

    @Test
    void vllmChatStreamRoleChunkThenUsageInAnExtraChunk() {
        assertThat(feed("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"))
                .isEqualTo(NO_CONTENT);
        assertThat(feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}"))
                .isEqualTo(CONTENT);
        assertThat(in.contentChars()).isEqualTo(2);
        assertThat(feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":null}]}"))
                .isEqualTo(CONTENT);
        assertThat(feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\","
                + "\"stop_reason\":null}]}")).isEqualTo(NO_CONTENT);
        assertThat(in.completionTokens()).isEqualTo(-1);
        assertThat(feed("{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":15,"
                + "\"completion_tokens\":3}}")).isEqualTo(NO_CONTENT);
        assertThat(feed(" [DONE] ")).isEqualTo(DONE);
        assertThat(in.completionTokens()).isEqualTo(3);
        assertThat(in.promptTokens()).isEqualTo(12);
        assertThat(in.finishReason()).isEqualTo("stop");
        assertThat(in.text()).isEqualTo("Hi there");
    }

    @Test
    void continuousUsageGivesTokensPerChunk() {
        assertThat(feed("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],"
                + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":0}}")).isEqualTo(NO_CONTENT);
        assertThat(feed("{\"choices\":[{\"text\":\"Hello wor\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3}}"))
                .isEqualTo(CONTENT);
        assertThat(in.chunkTokens()).isEqualTo(3);
        assertThat(feed("{\"choices\":[{\"text\":\"ld\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":4}}"))
                .isEqualTo(CONTENT);
        assertThat(in.chunkTokens()).isEqualTo(1);
        assertThat(feed("{\"choices\":[{\"text\":\"\",\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":4}}")).isEqualTo(NO_CONTENT);
        assertThat(in.chunkTokens()).isEqualTo(-1);
        assertThat(in.completionTokens()).isEqualTo(4);
    }

    @Test
    void reasoningContentCountsAsContent() {
        assertThat(feed("{\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\",\"content\":null}}]}")).isEqualTo(CONTENT);
        assertThat(in.contentChars()).isEqualTo(3);
    }

    @Test
    void errorShapes() {
        assertThat(feed("{\"error\":{\"code\":500,\"message\":\"boom\",\"type\":\"server_error\"}}")).isEqualTo(ERROR);
        assertThat(in.errorMessage()).isEqualTo("boom");
        assertThat(feed("{\"message\":\"engine dead\",\"object\":\"error\",\"type\":\"InternalServerError\",\"code\":500}"))
                .isEqualTo(ERROR);
        assertThat(in.errorMessage()).isEqualTo("engine dead");
        assertThat(feed("{\"object\":\"error\",\"message\":\"max_tokens too large\",\"code\":400}")).isEqualTo(ERROR);
        assertThat(in.errorMessage()).isEqualTo("max_tokens too large");
        assertThat(feed("{\"error\":\"plain string\"}")).isEqualTo(ERROR);
        assertThat(in.errorMessage()).isEqualTo("plain string");
        assertThat(feed("{\"error\":{\"type\":\"only_type\"}}")).isEqualTo(ERROR);
        assertThat(in.errorMessage()).isEqualTo("only_type");
        // a chunk that merely says "error": null is not an error
        assertThat(feed("{\"choices\":[{\"text\":\"x\"}],\"error\":null}")).isEqualTo(CONTENT);
    }

    @Test
    void garbageIsMalformed() {
        assertThat(feed("<html>502 Bad Gateway</html>")).isEqualTo(MALFORMED);
        assertThat(in.errorMessage()).contains("<html>502 Bad Gateway</html>").contains("expected a JSON object");
        assertThat(feed("{\"choices\":[{\"text\":\"cut")).isEqualTo(MALFORMED);
        assertThat(in.errorMessage()).contains("invalid JSON");
        assertThat(feed("{}{}")).isEqualTo(MALFORMED);
        assertThat(feed("[1,2]")).isEqualTo(MALFORMED);
        assertThat(feed("DONE")).isEqualTo(MALFORMED);
        assertThat(feed("x".repeat(1000))).isEqualTo(MALFORMED);
        assertThat(in.errorMessage()).hasSizeLessThan(300);
    }

    @Test
    void emptyDataIsNoContent() {
        assertThat(feed("  ")).isEqualTo(NO_CONTENT);
    }

    @Test
    void textIsNotKeptUnlessAsked() {
        ChunkInterpreter plain = new ChunkInterpreter(false);
        byte[] b = "{\"choices\":[{\"text\":\"abc\"}]}".getBytes(UTF_8);
        assertThat(plain.interpret(b, 0, b.length)).isEqualTo(CONTENT);
        assertThat(plain.contentChars()).isEqualTo(3);
        assertThat(plain.text()).isNull();
    }

    @Test
    void onlyTheFirstChoiceCounts() {
        assertThat(feed("{\"choices\":[{\"index\":0,\"text\":\"a\"},{\"index\":1,\"text\":\"bbb\"}]}")).isEqualTo(CONTENT);
        assertThat(in.contentChars()).isEqualTo(1);
    }
}
