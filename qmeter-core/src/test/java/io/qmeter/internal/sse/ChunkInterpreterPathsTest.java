package io.qmeter.internal.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The interpreter has a fast path ({@link ChunkScanner}) and a Jackson path. Both must read every
 * chunk the same way, valid or not, damaged or not (the comparison is
 * {@link ChunkFastPathTest#compare}).
 */
class ChunkInterpreterPathsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 2000, seed = "99")
    void fastPathAndJacksonPathAgree(@ForAll("chunks") List<String> chunks,
                                     @ForAll @IntRange(min = 0, max = 400) int cut,
                                     @ForAll @IntRange(min = 0, max = 30) int mutateAt) {
        List<String> all = new ArrayList<>(chunks);
        // add a damaged copy of one chunk: truncated, or with one byte replaced
        if (!chunks.isEmpty()) {
            String c = chunks.get(cut % chunks.size());
            all.add(c.substring(0, Math.min(c.length(), cut)));
            if (mutateAt < c.length()) {
                all.add(c.substring(0, mutateAt) + "\"" + c.substring(mutateAt + 1));
            }
        }
        ChunkFastPathTest.compare(all);
    }

    @Provide
    Arbitrary<List<String>> chunks() {
        Arbitrary<String> content = Arbitraries.of("", "a", " the", "é", "中文", "😀", "\"q\"", "back\\slash", "tab\t",
                "nl\n", "\u0000", "\u001f", "</s>").list().ofMaxSize(4).map(l -> String.join("", l));
        Arbitrary<String> finish = Arbitraries.of("stop", "length", "tool_calls", "abort", "é").injectNull(0.6);
        Arbitrary<Integer> tokens = Arbitraries.integers().between(-1, 5000);
        Arbitrary<Integer> shape = Arbitraries.integers().between(0, 7);
        Arbitrary<String> chunk = Combinators.combine(content, finish, tokens, shape).as((text, fin, n, kind) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", "chatcmpl-x");
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            switch (kind) {
                case 0 -> choice.put("text", text);
                case 1 -> choice.put("delta", Map.of("content", text));
                case 2 -> choice.put("delta", Map.of("role", "assistant", "content", text));
                case 3 -> choice.put("message", Map.of("role", "assistant", "content", text));
                case 4 -> m.put("error", Map.of("message", text, "code", 500));
                case 5 -> {
                    m.put("object", "error");
                    m.put("message", text);
                }
                case 6 -> choice.put("delta", Map.of("reasoning_content", text));
                default -> choice.put("text", text);
            }
            choice.put("logprobs", null);
            choice.put("finish_reason", fin);
            m.put("choices", kind == 7 ? List.of() : List.of(choice));
            if (n >= 0) {
                m.put("usage", Map.of("prompt_tokens", n / 2, "completion_tokens", n, "total_tokens", n + n / 2));
            }
            m.put("timings", Map.of("prompt_ms", 1.5, "nested", List.of(1, Map.of("x", true))));
            try {
                return JSON.writeValueAsString(m);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        return chunk.list().ofMaxSize(6);
    }
}
