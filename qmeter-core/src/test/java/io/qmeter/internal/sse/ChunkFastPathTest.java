package io.qmeter.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Differential test of {@link ChunkInterpreter}'s allocation-free fast path ({@link ChunkScanner})
 * against its Jackson path: on any sequence of chunks — vLLM-, SGLang- and llama.cpp-shaped, with
 * escapes, non-ASCII, errors, odd numbers, and random corruption — the fast path, with and without
 * keeping the text, must report what Jackson reports: the same kind, content characters, chunk
 * tokens, finish reason, usage, error message and kept text.
 */
class ChunkFastPathTest {

    private static final String PUNCT = "{}[]\",:\\ 0-.eE";
    private static final String[] TEXTS = {" tok", "", "a\\\"b", "\\u00e9t\\u00E9", "é", "日本語", "😀x",
        "\\ud83d\\ude00", "line\\nbreak", "tab\\t", "\\/", "x\\\\"};

    @Test
    void theStubStreamIsReadTheSameBothWays() {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            chunks.add("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":0,\"model\":\"m\",\"choices\":"
                    + "[{\"index\":0,\"text\":\" tok\",\"logprobs\":null,\"finish_reason\":"
                    + (i == 15 ? "\"length\"" : "null") + "}]}");
        }
        chunks.add("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":0,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":16,\"total_tokens\":32}}");
        chunks.add("[DONE]");
        ChunkInterpreter fast = compare(chunks);
        assertThat(fast.completionTokens()).isEqualTo(16);
        assertThat(fast.promptTokens()).isEqualTo(16);
        assertThat(fast.finishReason()).isEqualTo("length");
    }

    @Test
    void errorsAndOddShapesMatch() {
        compare(List.of("{\"error\":{\"message\":\"boom\"}}", "{\"object\":\"error\",\"message\":\"m\"}",
                "{\"error\":null,\"choices\":[{\"text\":\"x\"}]}", "{\"choices\":[{\"text\":\"x\"}]} x",
                "{\"choices\":[{\"text\":01}]}", "{\"usage\":{\"completion_tokens\":12345678901}}",
                "{\"usage\":{\"completion_tokens\":1.5,\"prompt_tokens\":-3}}", "{\"choices\":[{\"delta\":"
                        + "{\"role\":\"assistant\",\"content\":null}}]}", "{\"choices\":[{\"delta\":{\"content\":"
                        + "\"hi\",\"reasoning_content\":\"r\"},\"finish_reason\":\"st\\u006fp\"}]}",
                "{\"choices\":[{\"message\":{\"content\":\"ok\"},\"finish_reason\":\"tool_calls\"}]}",
                "{\"choices\":[{\"text\":\"a\u0001\"}]}", "{\"te\\u0078t\":1}", "{\"choices\":[[],{\"text\":\"no\"}]}",
                "{\"choices\":{\"text\":\"no\"}}", "{\"usage\":null}", "{}", "{\"a\":[1,2,{\"b\":[true,false,null]}]}",
                "{\"a\":tru}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":\"\\x\"}", "{\"choices\":[{\"text\":\"é\"}]}"));
    }

    @Property(tries = 3000, seed = "42")
    void anyChunkSequenceIsReadTheSameBothWays(@ForAll("sequences") List<String> chunks) {
        compare(chunks);
    }

    @Property(tries = 3000, seed = "7")
    void corruptedChunksAreReadTheSameBothWays(@ForAll("sequences") List<String> chunks,
                                               @ForAll("seeds") long seed) {
        compareBytes(corrupt(chunks, seed));
    }

    /** Streams as servers send them: one chunk shape repeated with other content (the scanner's template path). */
    @Property(tries = 2000, seed = "11")
    void streamsOfOneShapeAreReadTheSameBothWays(@ForAll("streams") List<String> chunks) {
        compare(chunks);
    }

    @Property(tries = 3000, seed = "13")
    void corruptedStreamsOfOneShapeAreReadTheSameBothWays(@ForAll("streams") List<String> chunks,
                                                          @ForAll("seeds") long seed) {
        compareBytes(corrupt(chunks, seed));
    }

    @Test
    void aChunkLikeTheLastButForItsContentIsReadFromTheTemplate() {
        ChunkScanner s = new ChunkScanner();
        String shape = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\"%s\",\"finish_reason\":%s}]}";
        assertThat(scan(s, shape.formatted(" tok", "null"))).isTrue();
        assertThat(s.templateHits).isZero();
        assertThat(scan(s, shape.formatted("日本語 longer", "null"))).isTrue();
        assertThat(s.templateHits).isOne();
        assertThat(s.contentChars).isEqualTo(10);
        assertThat(s.finishReason).isNull();
        // something else changed: scanned in full, and it becomes the template
        assertThat(scan(s, shape.formatted("x", "\"length\""))).isTrue();
        assertThat(s.templateHits).isOne();
        assertThat(s.finishReason).isEqualTo("length");
        assertThat(scan(s, shape.formatted("", "\"length\""))).isTrue();
        assertThat(s.templateHits).isEqualTo(2);
        assertThat(s.contentChars).isZero();
        assertThat(s.finishReason).isEqualTo("length");
        // a content string that is not valid JSON is declined, as without the template
        assertThat(scan(s, shape.formatted("bad\\q", "\"length\""))).isFalse();
        assertThat(scan(s, shape.formatted("a\",\"text\":\"b", "\"length\""))).isTrue(); // two strings
        assertThat(s.contentChars).isEqualTo(2);
        assertThat(s.templateHits).isEqualTo(2);
    }

    private static boolean scan(ChunkScanner s, String chunk) {
        byte[] b = ("  " + chunk + "  ").getBytes(StandardCharsets.UTF_8);
        return s.scan(b, 2, b.length - 2);
    }

    private static List<String> corrupt(List<String> chunks, long seed) {
        Random rnd = new Random(seed);
        List<String> broken = new ArrayList<>();
        for (String c : chunks) {
            byte[] b = c.getBytes(StandardCharsets.UTF_8);
            int edits = rnd.nextInt(3);
            for (int k = 0; k < edits && b.length > 0; k++) {
                int at = rnd.nextInt(b.length);
                switch (rnd.nextInt(4)) {
                    case 0 -> b[at] = (byte) rnd.nextInt(256);
                    case 1 -> b[at] = (byte) PUNCT.charAt(rnd.nextInt(PUNCT.length()));
                    case 2 -> b = java.util.Arrays.copyOf(b, at);
                    default -> b[at] = (byte) (0x80 | rnd.nextInt(0x80));
                }
            }
            broken.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        return broken;
    }

    @Provide
    Arbitrary<List<String>> streams() {
        Arbitrary<String> shape = Arbitraries.of(
                "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":0,\"choices\":[{\"index\":0,"
                        + "\"text\":\"%s\",\"logprobs\":null,\"finish_reason\":%s}]%s}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]%s}",
                "{\"choices\":[{\"delta\":{\"reasoning_content\":\"%s\"},\"finish_reason\":%s}],\"x\":[1]%s}",
                "{\"choices\":[{\"message\":{\"content\":\"%s\"},\"finish_reason\":%s}]%s}");
        Arbitrary<String> finish = Arbitraries.of("null", "\"length\"", "\"stop\"", "\"eos\"");
        Arbitrary<String> usage = Arbitraries.of("", ",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}",
                ",\"usage\":null");
        Arbitrary<List<String>> texts = Arbitraries.of(TEXTS).list().ofMinSize(2).ofMaxSize(10);
        return Combinators.combine(shape, finish, usage, texts, finish, usage).as((sh, f, u, ts, lastF, lastU) -> {
            List<String> out = new ArrayList<>();
            for (int k = 0; k < ts.size(); k++) {
                boolean last = k == ts.size() - 1;
                out.add(sh.formatted(ts.get(k), last ? lastF : f, last ? lastU : u));
            }
            out.add("[DONE]");
            return out;
        });
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<List<String>> sequences() {
        return chunk().list().ofMinSize(1).ofMaxSize(8);
    }

    private Arbitrary<String> chunk() {
        Arbitrary<String> text = Arbitraries.of(TEXTS);
        Arbitrary<String> finish = Arbitraries.of("null", "\"length\"", "\"stop\"", "\"eos\"", "1");
        Arbitrary<String> usage = Arbitraries.of("", ",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}",
                ",\"usage\":{\"completion_tokens\":5,\"extra\":[1,{\"x\":null}]}", ",\"usage\":null",
                ",\"usage\":{\"prompt_tokens\":0}", ",\"usage\":{\"completion_tokens\":2.0e1}");
        Arbitrary<String> shape = Arbitraries.of("text", "delta", "message", "empty", "done", "error");
        return Combinators.combine(shape, text, finish, usage).as((s, t, f, u) -> switch (s) {
            case "text" -> "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\"" + t + "\",\"logprobs\":null,"
                    + "\"finish_reason\":" + f + "}]" + u + "}";
            case "delta" -> "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + t + "\"},\"finish_reason\":" + f
                    + "}]" + u + "}";
            case "message" -> " {\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"" + t + "\"}}]"
                    + u + "}\n";
            case "empty" -> "{\"choices\":[]" + u + "}";
            case "done" -> "[DONE]";
            default -> "{\"error\":{\"message\":\"" + t + "\",\"type\":\"x\"}}";
        });
    }

    /** Reads {@code chunks} (UTF-8) three ways: fast, fast keeping the text, Jackson; all must agree. */
    static ChunkInterpreter compare(List<String> chunks) {
        List<String> raw = new ArrayList<>();
        for (String c : chunks) {
            raw.add(new String(c.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        }
        return compareBytes(raw);
    }

    /** Chunks given as ISO-8859-1 strings, i.e. one char per byte. */
    private static ChunkInterpreter compareBytes(List<String> chunks) {
        ChunkInterpreter fast = new ChunkInterpreter(false, true);
        ChunkInterpreter fastText = new ChunkInterpreter(true, true);
        ChunkInterpreter jackson = new ChunkInterpreter(true, false);
        for (String c : chunks) {
            byte[] b = c.getBytes(StandardCharsets.ISO_8859_1);
            byte[] padded = new byte[b.length + 4];
            System.arraycopy(b, 0, padded, 2, b.length);
            ChunkInterpreter.Kind kj = jackson.interpret(b, 0, b.length);
            String what = "chunk " + new String(b, StandardCharsets.UTF_8);
            for (ChunkInterpreter f : List.of(fast, fastText)) {
                assertThat(f.interpret(padded, 2, b.length)).as(what).isEqualTo(kj);
                assertThat(f.contentChars()).as(what).isEqualTo(jackson.contentChars());
                assertThat(f.chunkTokens()).as(what).isEqualTo(jackson.chunkTokens());
                assertThat(f.finishReason()).as(what).isEqualTo(jackson.finishReason());
                assertThat(f.promptTokens()).as(what).isEqualTo(jackson.promptTokens());
                assertThat(f.completionTokens()).as(what).isEqualTo(jackson.completionTokens());
                assertThat(f.errorMessage()).as(what).isEqualTo(jackson.errorMessage());
            }
            assertThat(fastText.text()).as(what).isEqualTo(jackson.text());
            assertThat(fast.text()).isNull();
        }
        return fast;
    }
}
