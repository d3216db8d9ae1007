package io.qmeter.testkit;

import io.qmeter.testkit.sim.BackendStats;
import java.util.Locale;

/** The bytes each dialect sends (JSON written by hand, field order as the real servers). Package-private. */
final class Wire {
    static final String FINGERPRINT = "b0-unknown";

    private Wire() {
    }

    static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    static String sse(String json) {
        return "data: " + json + "\n\n";
    }

    static final String DONE = "data: [DONE]\n\n";

    static String usageVllm(int prompt, int completion) {
        return "{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
                + ",\"completion_tokens\":" + completion + "}";
    }

    static String usageLlama(int prompt, int completion) {
        return "{\"completion_tokens\":" + completion + ",\"prompt_tokens\":" + prompt
                + ",\"total_tokens\":" + (prompt + completion) + "}";
    }

    static String timings(int prompt, double promptMs, int predicted, double predictedMs) {
        double ppt = prompt == 0 ? 0 : promptMs / prompt;
        double pps = promptMs <= 0 ? 0 : prompt * 1000.0 / promptMs;
        double tpt = predicted == 0 ? 0 : predictedMs / predicted;
        double tps = predictedMs <= 0 ? 0 : predicted * 1000.0 / predictedMs;
        return "{\"prompt_n\":" + prompt + ",\"prompt_ms\":" + num(promptMs) + ",\"prompt_per_token_ms\":" + num(ppt)
                + ",\"prompt_per_second\":" + num(pps) + ",\"predicted_n\":" + predicted + ",\"predicted_ms\":"
                + num(predictedMs) + ",\"predicted_per_token_ms\":" + num(tpt) + ",\"predicted_per_second\":"
                + num(tps) + "}";
    }

    static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "0";
        }
        return Double.toString(Math.round(d * 1000.0) / 1000.0);
    }

    // ---- vLLM ----

    static String vllmTextChunk(Call c, String text, String finish, String stopReason, String usage) {
        return "{\"id\":" + q(c.id) + ",\"object\":\"text_completion\",\"created\":" + c.createdSeconds + ",\"model\":"
                + q(c.model) + ",\"choices\":[{\"index\":0,\"text\":" + q(text) + ",\"logprobs\":null,\"finish_reason\":"
                + q(finish) + ",\"stop_reason\":" + q(stopReason) + "}]" + (usage == null ? "" : ",\"usage\":" + usage)
                + "}";
    }

    static String vllmChatRoleChunk(Call c) {
        return "{\"id\":" + q(c.id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + c.createdSeconds
                + ",\"model\":" + q(c.model) + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}";
    }

    static String vllmChatChunk(Call c, String text, String finish, String stopReason, String usage) {
        String delta = text == null ? "{}" : "{\"content\":" + q(text) + "}";
        return "{\"id\":" + q(c.id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + c.createdSeconds
                + ",\"model\":" + q(c.model) + ",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + q(finish) + ",\"stop_reason\":" + q(stopReason) + "}]"
                + (usage == null ? "" : ",\"usage\":" + usage) + "}";
    }

    static String vllmUsageChunk(Call c, String usage) {
        return "{\"id\":" + q(c.id) + ",\"object\":" + q(c.chat ? "chat.completion.chunk" : "text_completion")
                + ",\"created\":" + c.createdSeconds + ",\"model\":" + q(c.model) + ",\"choices\":[],\"usage\":" + usage
                + "}";
    }

    static String vllmBody(Call c, String text, String finish, String stopReason, String usage) {
        String choice = c.chat
                ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + q(text)
                        + "},\"logprobs\":null,\"finish_reason\":" + q(finish) + ",\"stop_reason\":" + q(stopReason) + "}"
                : "{\"index\":0,\"text\":" + q(text) + ",\"logprobs\":null,\"finish_reason\":" + q(finish)
                        + ",\"stop_reason\":" + q(stopReason) + "}";
        return "{\"id\":" + q(c.id) + ",\"object\":" + q(c.chat ? "chat.completion" : "text_completion")
                + ",\"created\":" + c.createdSeconds + ",\"model\":" + q(c.model) + ",\"choices\":[" + choice + "]"
                + (usage == null ? "" : ",\"usage\":" + usage) + "}";
    }

    static String vllmError(String message, String type, int code) {
        return "{\"object\":\"error\",\"message\":" + q(message) + ",\"type\":" + q(type) + ",\"param\":null,\"code\":"
                + code + "}";
    }

    static String vllmErrorType(int status) {
        switch (status) {
            case 400:
                return "BadRequestError";
            case 404:
                return "NotFoundError";
            case 429:
                return "RateLimitError";
            case 503:
                return "ServiceUnavailableError";
            default:
                return status >= 500 ? "InternalServerError" : "BadRequestError";
        }
    }

    // ---- llama.cpp ----

    static String llamaTextChunk(Call c, String text, String finish, String usage, String timings) {
        return "{\"choices\":[{\"text\":" + q(text) + ",\"index\":0,\"logprobs\":null,\"finish_reason\":" + q(finish)
                + "}],\"created\":" + c.createdSeconds + ",\"model\":" + q(c.model) + ",\"system_fingerprint\":"
                + q(FINGERPRINT) + ",\"object\":\"text_completion\"" + (usage == null ? "" : ",\"usage\":" + usage)
                + ",\"id\":" + q(c.id) + (timings == null ? "" : ",\"timings\":" + timings) + "}";
    }

    static String llamaChatChunk(Call c, String text, String finish, String usage, String timings) {
        String delta = text == null ? "{}" : "{\"content\":" + q(text) + "}";
        return "{\"choices\":[{\"finish_reason\":" + q(finish) + ",\"index\":0,\"delta\":" + delta + "}],\"created\":"
                + c.createdSeconds + ",\"id\":" + q(c.id) + ",\"model\":" + q(c.model) + ",\"system_fingerprint\":"
                + q(FINGERPRINT) + ",\"object\":\"chat.completion.chunk\""
                + (usage == null ? "" : ",\"usage\":" + usage) + (timings == null ? "" : ",\"timings\":" + timings)
                + "}";
    }

    static String llamaBody(Call c, String text, String finish, String usage, String timings) {
        String choice = c.chat
                ? "{\"finish_reason\":" + q(finish) + ",\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                        + q(text) + "}}"
                : "{\"text\":" + q(text) + ",\"index\":0,\"logprobs\":null,\"finish_reason\":" + q(finish) + "}";
        return "{\"choices\":[" + choice + "],\"created\":" + c.createdSeconds + ",\"model\":" + q(c.model)
                + ",\"system_fingerprint\":" + q(FINGERPRINT) + ",\"object\":"
                + q(c.chat ? "chat.completion" : "text_completion") + (usage == null ? "" : ",\"usage\":" + usage)
                + ",\"id\":" + q(c.id) + (timings == null ? "" : ",\"timings\":" + timings) + "}";
    }

    static String llamaError(String message, String type, int code) {
        return "{\"error\":{\"code\":" + code + ",\"message\":" + q(message) + ",\"type\":" + q(type) + "}}";
    }

    static String llamaErrorType(int status) {
        return status == 503 ? "unavailable_error" : "server_error";
    }

    // ---- both ----

    static String errorBody(Dialect d, int status, String message) {
        return d == Dialect.VLLM ? vllmError(message, vllmErrorType(status), status)
                : llamaError(message, llamaErrorType(status), status);
    }

    static String models(Dialect d, String model, int contextLength, long created) {
        if (d == Dialect.VLLM) {
            return "{\"object\":\"list\",\"data\":[{\"id\":" + q(model) + ",\"object\":\"model\",\"created\":" + created
                    + ",\"owned_by\":\"vllm\",\"root\":" + q(model) + ",\"parent\":null,\"max_model_len\":"
                    + contextLength + ",\"permission\":[]}]}";
        }
        return "{\"object\":\"list\",\"data\":[{\"id\":" + q(model) + ",\"object\":\"model\",\"created\":" + created
                + ",\"owned_by\":\"llamacpp\",\"meta\":{\"vocab_type\":1,\"n_vocab\":32000,\"n_ctx_train\":"
                + contextLength + ",\"n_embd\":5120,\"n_params\":13015864320,\"size\":7365960704}}]}";
    }

    static String metrics(Dialect d, String model, BackendStats s, long requestsTotal) {
        StringBuilder b = new StringBuilder(1024);
        if (d == Dialect.VLLM) {
            String l = "{model_name=" + q(model) + "}";
            metric(b, "vllm:num_requests_running", "gauge", "Number of requests currently running on GPU.", l,
                    s.running());
            metric(b, "vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", l,
                    s.waiting());
            metric(b, "vllm:gpu_cache_usage_perc", "gauge", "GPU KV-cache usage. 1 means 100 percent usage.", l,
                    s.kvCacheUsage());
            metric(b, "vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", l,
                    s.kvCacheUsage());
            metric(b, "vllm:num_preemptions_total", "counter", "Cumulative number of preemption from the engine.", l,
                    s.preemptions());
            metric(b, "vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", l,
                    s.promptTokensTotal());
            metric(b, "vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", l,
                    s.generationTokensTotal());
            metric(b, "vllm:request_success_total", "counter", "Count of successfully processed requests.", l,
                    s.requestsFinished());
        } else {
            metric(b, "llamacpp:prompt_tokens_total", "counter", "Number of prompt tokens processed.", "",
                    s.promptTokensTotal());
            metric(b, "llamacpp:tokens_predicted_total", "counter", "Number of generation tokens processed.", "",
                    s.generationTokensTotal());
            metric(b, "llamacpp:kv_cache_usage_ratio", "gauge", "KV-cache usage. 1 means 100 percent usage.", "",
                    s.kvCacheUsage());
            metric(b, "llamacpp:requests_processing", "gauge", "Number of requests processing.", "", s.running());
            metric(b, "llamacpp:requests_deferred", "gauge", "Number of requests deferred.", "", s.waiting());
        }
        metric(b, d == Dialect.VLLM ? "qmeter_sim:requests_received_total" : "llamacpp:qmeter_requests_received_total",
                "counter", "Completion requests received (qMeter test engine).", "", requestsTotal);
        return b.toString();
    }

    private static void metric(StringBuilder b, String name, String type, String help, String labels, double v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append(name).append(labels).append(' ').append(v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v) + ".0" : Double.toString(v)).append('\n');
    }
}
