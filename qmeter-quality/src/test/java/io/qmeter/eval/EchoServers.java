package io.qmeter.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.testkit.RecordedRequest;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scripted engines for the log-likelihood tests: one that answers {@code echo} + {@code logprobs} the
 * way vLLM does (a word-level tokenizer: each token is leading white space plus the following
 * non-space run; the first token's log-probability is {@code null}; offsets in code points), and
 * ones that refuse in llama.cpp's ways.
 */
final class EchoServers {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");

    private EchoServers() {
    }

    /** The test tokenizer: (token text, offset in code points). */
    static List<Map.Entry<String, Integer>> tokenize(String text) {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(Map.entry(m.group(), text.codePointCount(0, m.start())));
        }
        return out;
    }

    /** vLLM's echo answer for a prompt, each token's log-probability from {@code logprob}. */
    static String vllmEcho(String prompt, ToDoubleFunction<String> logprob) throws IOException {
        List<String> tokens = new ArrayList<>();
        List<Object> lps = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        List<Object> tops = new ArrayList<>();
        for (Map.Entry<String, Integer> t : tokenize(prompt)) {
            tokens.add(t.getKey());
            offsets.add(t.getValue());
            if (lps.isEmpty()) {
                lps.add(null);
                tops.add(null);
            } else {
                double v = logprob.applyAsDouble(t.getKey());
                lps.add(v);
                Map<String, Double> top = new LinkedHashMap<>();
                top.put(t.getKey(), v);
                tops.add(top);
            }
        }
        Map<String, Object> lp = new LinkedHashMap<>();
        lp.put("text_offset", offsets);
        lp.put("token_logprobs", lps);
        lp.put("tokens", tokens);
        lp.put("top_logprobs", tops);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("text", prompt);
        choice.put("logprobs", lp);
        choice.put("finish_reason", "length");
        return JSON.writeValueAsString(Map.of("id", "cmpl-1", "object", "text_completion", "created", 0,
                "model", "scripted-model", "choices", List.of(choice),
                "usage", Map.of("prompt_tokens", tokens.size(), "completion_tokens", 0, "total_tokens", tokens.size())));
    }

    /** A plain completion answer. */
    static String completion(String text) throws IOException {
        return JSON.writeValueAsString(Map.of("id", "cmpl-1", "object", "text_completion", "created", 0,
                "model", "scripted-model",
                "choices", List.of(Map.of("index", 0, "text", text, "finish_reason", "stop")),
                "usage", Map.of("prompt_tokens", 10, "completion_tokens", 1, "total_tokens", 11)));
    }

    /**
     * An engine answering echo requests as vLLM does and other requests with {@code generate(prompt)}.
     */
    static ScriptedEngine vllm(ToDoubleFunction<String> logprob, Function<String, String> generate,
                               List<JsonNode> seen) {
        return ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                JsonNode body = JSON.readTree(r.body());
                synchronized (seen) {
                    seen.add(body);
                }
                String prompt = body.path("prompt").asText();
                String reply = body.path("echo").asBoolean(false) ? vllmEcho(prompt, logprob)
                        : completion(generate.apply(prompt));
                return Script.builder().status(200, reply).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).build();
    }

    /** An engine answering every request with this HTTP status and body (llama.cpp's refusal of echo). */
    static ScriptedEngine refusing(int status, String body) {
        return ScriptedEngine.builder().dispatcher(r -> Script.builder().status(status, body).build()).build();
    }

    /** An engine that echoes the prompt's text but gives log-probabilities of its one generated token only. */
    static ScriptedEngine generatedOnly() {
        return ScriptedEngine.builder().dispatcher((RecordedRequest r) -> {
            try {
                String prompt = JSON.readTree(r.body()).path("prompt").asText();
                int end = prompt.codePointCount(0, prompt.length());
                Map<String, Object> lp = Map.of("tokens", List.of("quot"), "token_logprobs", List.of(-9.3),
                        "text_offset", List.of(end), "top_logprobs", List.of(Map.of("quot", -9.3)));
                Map<String, Object> choice = Map.of("index", 0, "text", prompt + "quot", "logprobs", lp,
                        "finish_reason", "length");
                return Script.builder().status(200, JSON.writeValueAsString(Map.of("object", "text_completion",
                        "model", "m", "choices", List.of(choice)))).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).build();
    }
}
