package io.qmeter.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain JDK HTTP client for the tests: posts JSON and timestamps every SSE line as it arrives. */
final class TestHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestHttp() {
    }

    /** One SSE "data:" event with its arrival time. */
    record Event(long nanos, String data) {
        boolean isDone() {
            return "[DONE]".equals(data);
        }

        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("event data is not JSON: " + data, e);
            }
        }
    }

    /** A finished exchange. */
    record Result(int status, String contentType, long sentNanos, List<Event> events, String body) {
        List<JsonNode> chunks() {
            List<JsonNode> out = new ArrayList<>();
            for (Event e : events) {
                if (!e.isDone()) {
                    out.add(e.json());
                }
            }
            return out;
        }

        boolean done() {
            return !events.isEmpty() && events.get(events.size() - 1).isDone();
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON: " + body, e);
            }
        }
    }

    static Result post(URI base, String path, String json) throws IOException, InterruptedException {
        return post(base, path, json, Duration.ofSeconds(30));
    }

    static Result post(URI base, String path, String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
        String ct = r.headers().firstValue("content-type").orElse("");
        List<Event> events = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                body.append(line).append('\n');
                if (line.startsWith("data: ")) {
                    events.add(new Event(now, line.substring(6)));
                }
            }
        }
        return new Result(r.statusCode(), ct, sent, events, body.toString());
    }

    static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String completion(int maxTokens, boolean stream) {
        return "{\"model\":\"m\",\"prompt\":\"Hello there, how are you?\",\"max_tokens\":" + maxTokens
                + ",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true},\"ignore_eos\":true}";
    }

    static String chat(int maxTokens, boolean stream) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, how are you?\"}],"
                + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"stream_options\":{\"include_usage\":true},\"ignore_eos\":true}";
    }

    /** The text of a stream's content chunks (completions "text" or chat "delta.content"). */
    static String text(Result r) {
        StringBuilder b = new StringBuilder();
        for (JsonNode c : r.chunks()) {
            for (JsonNode ch : c.path("choices")) {
                b.append(ch.has("text") ? ch.path("text").asText("") : ch.path("delta").path("content").asText(""));
            }
        }
        return b.toString();
    }
}
