package io.qmeter.internal.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import io.qmeter.metrics.ServerTimings;
import java.nio.charset.StandardCharsets;

/**
 * Turns the {@code data:} payloads of one OpenAI-compatible stream (or one non-streaming response
 * body) into typed chunk events, and keeps the totals of the stream.
 *
 * <p>{@link #interpret(byte[], int, int)} returns the {@link Kind} of the chunk; the accessors
 * then describe it ({@link #contentChars()}, {@link #chunkTokens()}, {@link #errorMessage()}) and
 * the stream so far ({@link #finishReason()}, {@link #promptTokens()}, {@link #completionTokens()},
 * {@link #text()}). What it understands:
 * <ul>
 *   <li>content: {@code choices[0].text} (completions), {@code choices[0].delta.content} (chat
 *       streams), {@code choices[0].message.content} (non-streaming chat) and
 *       {@code reasoning_content} beside them (reasoning models); an empty or {@code null}
 *       content, such as vLLM's opening role chunk, is {@link Kind#NO_CONTENT}, not a token;</li>
 *   <li>{@code finish_reason} on any choice;</li>
 *   <li>{@code usage} wherever it rides: on the last content chunk (llama.cpp), in an extra chunk
 *       with empty {@code choices} (vLLM, SGLang), or on every chunk (vLLM
 *       {@code continuous_usage_stats}), where the tokens of a content chunk are the growth of
 *       {@code completion_tokens} since the previous content chunk;</li>
 *   <li>{@code [DONE]};</li>
 *   <li>errors: {@code {"error":{"message":...}}}, {@code {"error":"..."}} or
 *       {@code {"object":"error","message":...}};</li>
 *   <li>anything that is not a JSON object: {@link Kind#MALFORMED}.</li>
 * </ul>
 *
 * <p>Ordinary chunks are read by {@link ChunkScanner} without allocating; anything it declines (and,
 * when the text is kept, content with escapes) by Jackson's streaming parser. No {@code String} is
 * allocated per chunk for the content (the text is copied into a builder only when kept). One
 * interpreter per stream; not thread-safe.
 *
 * <pre>{@code
 * ChunkInterpreter in = new ChunkInterpreter(false);
 * if (in.interpret(data, 0, data.length) == ChunkInterpreter.Kind.CONTENT) tokens++;
 * int served = in.completionTokens();   // -1 when the server gave no usage
 * }</pre>
 */
public final class ChunkInterpreter {

    /**
     * What one chunk was.
     *
     * <pre>{@code
     * switch (interpreter.interpret(b, 0, n)) { case CONTENT -> ...; default -> { } }
     * }</pre>
     */
    public enum Kind {
        /** The chunk carries generated text (at least one character). */
        CONTENT,
        /** A valid chunk without text: role chunk, finish chunk, usage-only chunk, empty data. */
        NO_CONTENT,
        /** The {@code [DONE]} sentinel: the stream ended normally. */
        DONE,
        /** The server reported an error; see {@link ChunkInterpreter#errorMessage()}. */
        ERROR,
        /** Not a JSON object; see {@link ChunkInterpreter#errorMessage()}. */
        MALFORMED
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private static final int EXCERPT_CHARS = 160;

    private final boolean keepText;
    private final ChunkScanner scanner = new ChunkScanner();
    private final boolean fastPath;
    private StringBuilder text;

    private int contentChars;
    private int chunkTokens = -1;
    private String finishReason;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private int completionAtLastContent;
    private String errorMessage;
    private ServerTimings serverTimings;
    private static final byte[] TIMINGS = "\"timings\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * An interpreter for one stream.
     *
     * @param keepText whether to accumulate the generated text ({@link #text()})
     */
    public ChunkInterpreter(boolean keepText) {
        this(keepText, true);
    }

    /**
     * An interpreter that can be told not to use its allocation-free fast path (for tests that compare
     * the two paths).
     *
     * @param keepText whether to accumulate the generated text
     * @param fastPath whether to try {@link ChunkScanner} before Jackson
     */
    public ChunkInterpreter(boolean keepText, boolean fastPath) {
        this.keepText = keepText;
        this.fastPath = fastPath;
        scanner.captureContent = keepText;
    }

    /**
     * Interprets one {@code data:} payload (or a whole non-streaming body).
     *
     * @param data   the UTF-8 bytes
     * @param offset where they start
     * @param length how many
     * @return what the chunk was
     */
    public Kind interpret(byte[] data, int offset, int length) {
        contentChars = 0;
        chunkTokens = -1;
        int s = offset;
        int e = offset + length;
        while (s < e && isSpace(data[s])) {
            s++;
        }
        while (e > s && isSpace(data[e - 1])) {
            e--;
        }
        if (e == s) {
            return Kind.NO_CONTENT;
        }
        if (e - s == 6 && data[s] == '[' && data[s + 1] == 'D' && data[s + 2] == 'O' && data[s + 3] == 'N'
                && data[s + 4] == 'E' && data[s + 5] == ']') {
            return Kind.DONE;
        }
        if (data[s] != '{') {
            return malformed(data, s, e, "not a JSON object");
        }
        String error = null;
        boolean objectIsError = false;
        String message = null;
        int usageCompletion = -1;
        if (fastPath && scanner.scan(data, s, e)) {
            // the common case, without Jackson: see ChunkScanner (it declines anything unusual,
            // and, when the text is kept, any content with an escape)
            contentChars = scanner.contentChars;
            if (keepText) {
                appendContent(data);
            }
            if (scanner.finishReason != null) {
                finishReason = scanner.finishReason;
            }
            if (scanner.promptTokens != Integer.MIN_VALUE) {
                promptTokens = scanner.promptTokens;
            }
            usageCompletion = scanner.usageCompletion;
            if (scanner.finishReason != null || usageCompletion >= 0 || scanner.promptTokens != Integer.MIN_VALUE) {
                // llama.cpp puts its timings on the last chunk only (beside finish_reason and usage):
                // look for them there, never in the ordinary content chunks
                findTimings(data, s, e);
            }
        } else {
            try (JsonParser p = JSON.createParser(data, s, e - s)) {
                p.nextToken();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "choices":
                            if (v == JsonToken.START_ARRAY) {
                                parseChoices(p);
                            } else {
                                p.skipChildren();
                            }
                            break;
                        case "usage":
                            if (v == JsonToken.START_OBJECT) {
                                usageCompletion = parseUsage(p);
                            } else {
                                p.skipChildren();
                            }
                            break;
                        case "error":
                            if (v == JsonToken.START_OBJECT) {
                                error = parseErrorObject(p);
                            } else if (v == JsonToken.VALUE_STRING) {
                                error = p.getText();
                            } else if (v != JsonToken.VALUE_NULL && v != JsonToken.VALUE_FALSE) {
                                p.skipChildren();
                                error = "error";
                            }
                            break;
                        case "timings":
                            if (v == JsonToken.START_OBJECT) {
                                serverTimings = parseTimings(p);
                            } else {
                                p.skipChildren();
                            }
                            break;
                        case "object":
                            objectIsError = v == JsonToken.VALUE_STRING && textEquals(p, "error");
                            break;
                        case "message":
                            if (v == JsonToken.VALUE_STRING) {
                                message = p.getText();
                            } else {
                                p.skipChildren();
                            }
                            break;
                        default:
                            p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                    return malformed(data, s, e, "not a single JSON object");
                }
            } catch (JsonProcessingException ex) {
                String why = ex.getOriginalMessage();
                int nl = why == null ? -1 : why.indexOf('\n');
                return malformed(data, s, e, "invalid JSON: " + (nl < 0 ? why : why.substring(0, nl)));
            } catch (IOException ex) {
                return malformed(data, s, e, "unreadable: " + ex);
            }
        }
        if (error != null || objectIsError) {
            errorMessage = error != null ? error
                    : message != null ? message : "the server reported an error without a message";
            return Kind.ERROR;
        }
        if (usageCompletion >= 0) {
            completionTokens = usageCompletion;
        }
        if (contentChars > 0) {
            if (usageCompletion >= 0) {
                chunkTokens = Math.max(0, usageCompletion - completionAtLastContent);
                completionAtLastContent = usageCompletion;
            }
            return Kind.CONTENT;
        }
        return Kind.NO_CONTENT;
    }

    private void parseChoices(JsonParser p) throws IOException {
        boolean first = true;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (first && t == JsonToken.START_OBJECT) {
                parseChoice(p);
            } else {
                p.skipChildren();
            }
            first = false;
        }
    }

    private void parseChoice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "text":
                    if (v == JsonToken.VALUE_STRING) {
                        content(p);
                    }
                    break;
                case "delta":
                case "message":
                    if (v == JsonToken.START_OBJECT) {
                        parseDelta(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "finish_reason":
                    if (v == JsonToken.VALUE_STRING) {
                        finishReason = finishReasonText(p);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    private void parseDelta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING && ("content".equals(name) || "reasoning_content".equals(name))) {
                content(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private int parseUsage(JsonParser p) throws IOException {
        int completion = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NUMBER_INT && "prompt_tokens".equals(name)) {
                promptTokens = p.getIntValue();
            } else if (v == JsonToken.VALUE_NUMBER_INT && "completion_tokens".equals(name)) {
                completion = p.getIntValue();
            } else {
                p.skipChildren();
            }
        }
        return completion;
    }

    /** Finds a top-level-looking {@code "timings": {...}} in a chunk the scanner read, and parses it. */
    private void findTimings(byte[] data, int s, int e) {
        int at = indexOf(data, s, e, TIMINGS);
        if (at < 0) {
            return;
        }
        int k = at + TIMINGS.length;
        while (k < e && (isSpace(data[k]) || data[k] == ':')) {
            k++;
        }
        if (k >= e || data[k] != '{') {
            return;
        }
        try (JsonParser p = JSON.createParser(data, k, e - k)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                serverTimings = parseTimings(p);
            }
        } catch (IOException ex) {
            // timings we cannot read are timings not reported; the chunk itself was read
        }
    }

    private static int indexOf(byte[] data, int s, int e, byte[] what) {
        outer:
        for (int i = s; i <= e - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ServerTimings parseTimings(JsonParser p) throws IOException {
        int promptN = -1;
        double promptMs = Double.NaN;
        int predictedN = -1;
        double perTokenMs = Double.NaN;
        int cacheN = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            boolean number = v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT;
            if (!number) {
                p.skipChildren();
                continue;
            }
            switch (name) {
                case "prompt_n" -> promptN = p.getIntValue();
                case "prompt_ms" -> promptMs = p.getDoubleValue();
                case "predicted_n" -> predictedN = p.getIntValue();
                case "predicted_per_token_ms" -> perTokenMs = p.getDoubleValue();
                case "cache_n" -> cacheN = p.getIntValue();
                default -> { }
            }
        }
        return new ServerTimings(promptN, promptMs, predictedN, perTokenMs, cacheN);
    }

    private static String parseErrorObject(JsonParser p) throws IOException {
        String message = null;
        String type = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING && "message".equals(name)) {
                message = p.getText();
            } else if (v == JsonToken.VALUE_STRING && "type".equals(name)) {
                type = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if (message != null) {
            return message;
        }
        return type != null ? type : "the server reported an error without a message";
    }

    /** Appends the content strings the scanner found (valid UTF-8 without escapes). */
    private void appendContent(byte[] data) {
        int[] at = scanner.contentAt;
        for (int k = 0; k < 3 * scanner.contentCount; k += 3) {
            int start = at[k];
            int end = at[k + 1];
            if (text == null) {
                text = new StringBuilder(64);
            }
            if (at[k + 2] == 1) {
                for (int m = start; m < end; m++) {
                    text.append((char) data[m]);
                }
            } else {
                text.append(new String(data, start, end - start, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private void content(JsonParser p) throws IOException {
        int n = p.getTextLength();
        if (n > 0) {
            contentChars += n;
            if (keepText) {
                if (text == null) {
                    text = new StringBuilder(64);
                }
                text.append(p.getTextCharacters(), p.getTextOffset(), n);
            }
        }
    }

    private static boolean textEquals(JsonParser p, String s) throws IOException {
        int n = p.getTextLength();
        if (n != s.length()) {
            return false;
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        for (int i = 0; i < n; i++) {
            if (c[o + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String finishReasonText(JsonParser p) throws IOException {
        if (textEquals(p, "length")) {
            return "length";
        }
        if (textEquals(p, "stop")) {
            return "stop";
        }
        return p.getText();
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private Kind malformed(byte[] data, int s, int e, String why) {
        int n = Math.min(e - s, EXCERPT_CHARS * 4);
        String excerpt = new String(data, s, n, StandardCharsets.UTF_8);
        if (excerpt.length() > EXCERPT_CHARS) {
            excerpt = excerpt.substring(0, EXCERPT_CHARS) + "…";
        } else if (n < e - s) {
            excerpt = excerpt + "…";
        }
        errorMessage = "malformed chunk (" + why + "): expected a JSON object or [DONE], got '" + excerpt + "'";
        return Kind.MALFORMED;
    }

    /**
     * Characters of content in the last chunk (0 unless it was {@link Kind#CONTENT}).
     *
     * @return the count
     */
    public int contentChars() {
        return contentChars;
    }

    /**
     * Tokens in the last content chunk when the chunk carried usage (continuous usage): the growth
     * of {@code completion_tokens} since the previous content chunk; else -1.
     *
     * @return tokens, or -1 when unknown
     */
    public int chunkTokens() {
        return chunkTokens;
    }

    /**
     * The finish reason seen so far.
     *
     * @return for example {@code "length"}, or {@code null}
     */
    public String finishReason() {
        return finishReason;
    }

    /**
     * {@code usage.prompt_tokens} as last reported.
     *
     * @return the count, or -1 when never reported
     */
    public int promptTokens() {
        return promptTokens;
    }

    /**
     * {@code usage.completion_tokens} as last reported.
     *
     * @return the count, or -1 when never reported
     */
    public int completionTokens() {
        return completionTokens;
    }

    /**
     * What the server said it spent on the request (llama.cpp's {@code timings}, on the last chunk).
     *
     * @return the timings, or {@code null} when none came
     */
    public ServerTimings serverTimings() {
        return serverTimings;
    }

    /**
     * The message of the last {@link Kind#ERROR} or {@link Kind#MALFORMED} chunk.
     *
     * @return the message, or {@code null}
     */
    public String errorMessage() {
        return errorMessage;
    }

    /**
     * The generated text so far, when kept.
     *
     * @return the text ("" when nothing came), or {@code null} when the text is not kept
     */
    public String text() {
        if (!keepText) {
            return null;
        }
        return text == null ? "" : text.toString();
    }
}
