package io.qmeter.internal.sse;

/**
 * The fast path of {@link ChunkInterpreter}: one allocation-free pass over the bytes of an ordinary
 * OpenAI-compatible stream chunk (a strict JSON object), picking out what the interpreter needs —
 * the characters of content in {@code choices[0]} ({@code text}, {@code delta.content},
 * {@code delta.reasoning_content}, {@code message.*}), {@code finish_reason} and {@code usage} — and
 * validating everything else as JSON while skipping it.
 *
 * <p>It never decides anything Jackson would decide differently: whenever it meets something it
 * does not handle exactly (an {@code error} field or {@code "object":"error"}, an escape in a field
 * name, a finish reason that is not plain ASCII, a number out of {@code int} range, UTF-8 that is
 * not strictly valid, nesting deeper than 64, or any invalid JSON), {@link #scan} returns
 * {@code false} and leaves the interpreter's state alone, and the interpreter parses the chunk with
 * Jackson as before. Content characters are counted as Jackson's {@code getTextLength()} counts
 * them (UTF-16 units after unescaping).
 *
 * <p>Most chunks of a stream repeat the one before but for their content: a chunk that matches the
 * last fully scanned one byte for byte outside its content string is read by comparing and
 * scanning that string only ({@link #likeTemplate}).
 *
 * <pre>{@code
 * ChunkScanner s = new ChunkScanner();
 * if (s.scan(bytes, 0, bytes.length)) { int chars = s.contentChars; }
 * }</pre>
 */
final class ChunkScanner {

    private static final int MAX_DEPTH = 64;
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] OBJECT = ascii("object");
    private static final byte[] TEXT = ascii("text");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] LENGTH = ascii("length");
    private static final byte[] STOP = ascii("stop");

    /** Results of the last successful scan. */
    int contentChars;
    /** The last finish reason seen in {@code choices[0]}, or {@code null} when none. */
    String finishReason;
    /**
     * Set by a reader that keeps the text: {@link #scan} then also records where each content string
     * of the chunk is ({@link #contentCount}, {@link #contentAt}), and declines a chunk whose content
     * has an escape (unescaping is Jackson's).
     */
    boolean captureContent;
    /** How many content strings the last scan recorded (with {@link #captureContent}). */
    int contentCount;
    /** Per content string, in order: start, end (exclusive) of its raw bytes, and 1 when it is all ASCII. */
    int[] contentAt = new int[12];
    /** The last {@code usage.prompt_tokens}, or {@link Integer#MIN_VALUE} when none. */
    int promptTokens;
    /** What the last {@code usage} object gave as completion tokens (-1 when it had none); -1 without usage. */
    int usageCompletion;

    /** Chunks read from the template so far (for tests and benchmarks). */
    long templateHits;
    /** Content strings the current scan met, and where the last one's raw bytes are. */
    private int contentStrings;
    private int lastContentStart;
    private int lastContentEnd;
    /**
     * The last chunk scanned in full that had exactly one content string ({@link #likeTemplate}),
     * where that string's raw bytes are in it, and what the scan found; length -1 while there is none.
     */
    private byte[] template = new byte[256];
    private int templateLength = -1;
    private int templateContentStart;
    private int templateContentEnd;
    private String templateFinishReason;
    private int templatePromptTokens;
    private int templateUsageCompletion;

    private byte[] b;
    private int i;
    private int end;
    /** Start and end of the last string's raw bytes (between the quotes). */
    private int strStart;
    private int strEnd;
    /** Whether the last string had an escape, and its length in UTF-16 units. */
    private boolean strEscaped;
    private int strChars;
    /** The last int value read by {@link #intValue()}. */
    private int intValue;

    /**
     * Scans one chunk.
     *
     * @param data  the bytes
     * @param start the index of the opening brace (leading whitespace already trimmed)
     * @param stop  the end (exclusive; trailing whitespace already trimmed)
     * @return true when the chunk was handled; false to parse it with Jackson
     */
    boolean scan(byte[] data, int start, int stop) {
        contentChars = 0;
        finishReason = null;
        promptTokens = Integer.MIN_VALUE;
        usageCompletion = -1;
        contentCount = 0;
        contentStrings = 0;
        b = data;
        try {
            if (templateLength >= 0 && likeTemplate(start, stop)) {
                return true;
            }
            contentChars = 0;
            contentCount = 0;
            contentStrings = 0;
            i = start;
            end = stop;
            boolean ok = topObject() && i == end;
            if (ok && contentStrings == 1) {
                remember(start, stop);
            }
            return ok;
        } finally {
            b = null;
        }
    }

    /**
     * Whether the chunk at {@code b[start, stop)} is the template chunk with only its content string
     * changed (byte for byte the same before the string's opening quote and from its closing quote
     * on), the content being a valid JSON string. A stream's chunks usually differ only there, and
     * then this costs two vectorized comparisons and a scan of the content instead of a parse. Every
     * other byte being the same, the chunk is valid JSON exactly when the template was, and says the
     * same about everything but its content, so the template's results stand.
     */
    private boolean likeTemplate(int start, int stop) {
        int before = templateContentStart;
        int after = templateLength - templateContentEnd;
        if (stop - start < before + after
                || !java.util.Arrays.equals(b, start, start + before, template, 0, before)) {
            return false;
        }
        i = start + before - 1; // the opening quote
        end = stop;
        if (!string() || stop - strEnd != after
                || !java.util.Arrays.equals(b, strEnd, stop, template, templateContentEnd, templateLength)) {
            return false;
        }
        if (!content()) {
            return false; // an escape in content that is kept: Jackson's
        }
        templateHits++;
        finishReason = templateFinishReason;
        promptTokens = templatePromptTokens;
        usageCompletion = templateUsageCompletion;
        return true;
    }

    /** Keeps the chunk just scanned, which had exactly one content string, as the template. */
    private void remember(int start, int stop) {
        int n = stop - start;
        if (template.length < n) {
            template = new byte[Math.max(n, 2 * template.length)];
        }
        System.arraycopy(b, start, template, 0, n);
        templateLength = n;
        templateContentStart = lastContentStart - start;
        templateContentEnd = lastContentEnd - start;
        templateFinishReason = finishReason;
        templatePromptTokens = promptTokens;
        templateUsageCompletion = usageCompletion;
    }

    private boolean topObject() {
        if (i >= end || b[i] != '{') {
            return false;
        }
        i++;
        ws();
        if (i < end && b[i] == '}') {
            i++;
            return true;
        }
        while (true) {
            if (!key()) {
                return false;
            }
            if (is(CHOICES)) {
                if (i < end && b[i] == '[') {
                    if (!choices()) {
                        return false;
                    }
                } else if (!skipValue(1)) {
                    return false;
                }
            } else if (is(USAGE)) {
                if (i < end && b[i] == '{') {
                    if (!usage()) {
                        return false;
                    }
                } else if (!skipValue(1)) {
                    return false;
                }
            } else if (is(ERROR)) {
                return false; // errors are Jackson's
            } else if (is(OBJECT)) {
                // "object":"error", an escaped value, or a value that is not a string (which the
                // Jackson path does not skip as a whole): Jackson's
                if (i >= end || b[i] != '"' || !string() || strEscaped || equalsRaw(ERROR)) {
                    return false;
                }
            } else if (!skipValue(1)) {
                return false;
            }
            int next = afterMember('}');
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    private boolean choices() {
        i++; // [
        ws();
        if (i < end && b[i] == ']') {
            i++;
            return true;
        }
        boolean first = true;
        while (true) {
            if (first && i < end && b[i] == '{') {
                if (!choice()) {
                    return false;
                }
            } else if (!skipValue(2)) {
                return false;
            }
            first = false;
            int next = afterMember(']');
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    private boolean choice() {
        i++; // {
        ws();
        if (i < end && b[i] == '}') {
            i++;
            return true;
        }
        while (true) {
            if (!key()) {
                return false;
            }
            if (is(TEXT)) {
                if (i < end && b[i] == '"') {
                    if (!string() || !content()) {
                        return false;
                    }
                } else if (!skipValue(3)) {
                    return false;
                }
            } else if (is(DELTA) || is(MESSAGE)) {
                if (i < end && b[i] == '{') {
                    if (!delta()) {
                        return false;
                    }
                } else if (!skipValue(3)) {
                    return false;
                }
            } else if (is(FINISH_REASON)) {
                if (i < end && b[i] == '"') {
                    if (!string() || strEscaped || strChars != strEnd - strStart) {
                        return false; // escaped or non-ASCII finish reason: Jackson's
                    }
                    finishReason = equalsRaw(LENGTH) ? "length" : equalsRaw(STOP) ? "stop"
                            : new String(b, strStart, strEnd - strStart, java.nio.charset.StandardCharsets.US_ASCII);
                } else if (!skipValue(3)) {
                    return false;
                }
            } else if (!skipValue(3)) {
                return false;
            }
            int next = afterMember('}');
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    private boolean delta() {
        i++; // {
        ws();
        if (i < end && b[i] == '}') {
            i++;
            return true;
        }
        while (true) {
            if (!key()) {
                return false;
            }
            if ((is(CONTENT) || is(REASONING_CONTENT)) && i < end && b[i] == '"') {
                if (!string() || !content()) {
                    return false;
                }
            } else if (!skipValue(4)) {
                return false;
            }
            int next = afterMember('}');
            if (next <= 0) {
                return next == 0;
            }
        }
    }

    private boolean usage() {
        i++; // {
        int completion = -1;
        ws();
        if (i < end && b[i] == '}') {
            i++;
            usageCompletion = completion;
            return true;
        }
        while (true) {
            if (!key()) {
                return false;
            }
            boolean prompt = is(PROMPT_TOKENS);
            boolean compl = !prompt && is(COMPLETION_TOKENS);
            if (prompt || compl) {
                int r = intValue();
                if (r < 0) {
                    return false;
                }
                if (r == 1) {
                    if (prompt) {
                        promptTokens = intValue;
                    } else {
                        completion = intValue;
                    }
                }
            } else if (!skipValue(2)) {
                return false;
            }
            int next = afterMember('}');
            if (next <= 0) {
                if (next == 0) {
                    usageCompletion = completion;
                    return true;
                }
                return false;
            }
        }
    }

    /** The string just read is content: counts it, and records where it is when capturing. */
    private boolean content() {
        contentStrings++;
        lastContentStart = strStart;
        lastContentEnd = strEnd;
        contentChars += strChars;
        if (!captureContent || strEnd == strStart) {
            return true;
        }
        if (strEscaped) {
            return false; // unescaping is Jackson's
        }
        int k = 3 * contentCount;
        if (k + 3 > contentAt.length) {
            contentAt = java.util.Arrays.copyOf(contentAt, 2 * contentAt.length);
        }
        contentAt[k] = strStart;
        contentAt[k + 1] = strEnd;
        contentAt[k + 2] = strChars == strEnd - strStart ? 1 : 0;
        contentCount++;
        return true;
    }

    /**
     * After a member value: 1 when a comma follows (and the next member starts), 0 when the closing
     * bracket ends the container, -1 when anything else follows.
     */
    private int afterMember(char close) {
        ws();
        if (i >= end) {
            return -1;
        }
        byte c = b[i];
        if (c == ',') {
            i++;
            ws();
            return 1;
        }
        if (c == close) {
            i++;
            return 0;
        }
        return -1;
    }

    /** Reads {@code "name"} and the colon; leaves {@code i} at the value. False for escapes or bad syntax. */
    private boolean key() {
        if (i >= end || b[i] != '"' || !string() || strEscaped) {
            return false;
        }
        ws();
        if (i >= end || b[i] != ':') {
            return false;
        }
        i++;
        ws();
        return i < end;
    }

    /** Whether the last string's raw bytes equal {@code name}. */
    private boolean is(byte[] name) {
        return equalsRaw(name);
    }

    private boolean equalsRaw(byte[] s) {
        int n = strEnd - strStart;
        if (n != s.length) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[strStart + k] != s[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a string starting at the quote at {@code i}; validates escapes and UTF-8 strictly and
     * counts UTF-16 units. False when invalid or not handled.
     */
    private boolean string() {
        int k = i + 1;
        int chars = 0;
        boolean escaped = false;
        strStart = k;
        while (true) {
            if (k >= end) {
                return false;
            }
            int c = b[k];
            if (c == '"') {
                break;
            }
            if (c >= 0x20 && c != '\\') {
                k++;
                chars++;
                continue;
            }
            if (c == '\\') {
                escaped = true;
                if (k + 1 >= end) {
                    return false;
                }
                byte e = b[k + 1];
                if (e == 'u') {
                    if (k + 5 >= end || !hex(b[k + 2]) || !hex(b[k + 3]) || !hex(b[k + 4]) || !hex(b[k + 5])) {
                        return false;
                    }
                    k += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    k += 2;
                } else {
                    return false;
                }
                chars++;
                continue;
            }
            if (c >= 0 && c < 0x20) {
                return false; // unescaped control character
            }
            // c < 0: a UTF-8 lead byte; accept only strictly valid sequences
            int lead = c & 0xFF;
            int n;
            int lo = 0x80;
            int hi = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                n = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                n = 2;
                if (lead == 0xE0) {
                    lo = 0xA0;
                } else if (lead == 0xED) {
                    hi = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                n = 3;
                if (lead == 0xF0) {
                    lo = 0x90;
                } else if (lead == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                return false;
            }
            if (k + n >= end) {
                return false;
            }
            int second = b[k + 1] & 0xFF;
            if (second < lo || second > hi) {
                return false;
            }
            for (int m = 2; m <= n; m++) {
                if ((b[k + m] & 0xC0) != 0x80) {
                    return false;
                }
            }
            k += n + 1;
            chars += n == 3 ? 2 : 1;
        }
        strEnd = k;
        strEscaped = escaped;
        strChars = chars;
        i = k + 1;
        return true;
    }

    private static boolean hex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * Reads a value where an int is wanted: 1 when it was an integer (in {@link #intValue}), 0 when it
     * was another valid value (skipped), -1 when invalid or out of int range.
     */
    private int intValue() {
        int k = i;
        if (k < end && (b[k] == '-' || (b[k] >= '0' && b[k] <= '9'))) {
            boolean neg = b[k] == '-';
            int s = neg ? k + 1 : k;
            int e = s;
            while (e < end && b[e] >= '0' && b[e] <= '9') {
                e++;
            }
            boolean integral = e == end || (b[e] != '.' && b[e] != 'e' && b[e] != 'E');
            if (integral) {
                int digits = e - s;
                if (digits == 0 || digits > 9 || (digits > 1 && b[s] == '0')) {
                    return -1;
                }
                int v = 0;
                for (int m = s; m < e; m++) {
                    v = v * 10 + (b[m] - '0');
                }
                intValue = neg ? -v : v;
                i = e;
                return 1;
            }
        }
        return skipValue(3) ? 0 : -1;
    }

    /** Skips one valid JSON value at {@code i}. */
    private boolean skipValue(int depth) {
        if (i >= end || depth > MAX_DEPTH) {
            return false;
        }
        byte c = b[i];
        switch (c) {
            case '"':
                return string();
            case '{': {
                i++;
                ws();
                if (i < end && b[i] == '}') {
                    i++;
                    return true;
                }
                while (true) {
                    if (!key() || !skipValue(depth + 1)) {
                        return false;
                    }
                    int next = afterMember('}');
                    if (next <= 0) {
                        return next == 0;
                    }
                }
            }
            case '[': {
                i++;
                ws();
                if (i < end && b[i] == ']') {
                    i++;
                    return true;
                }
                while (true) {
                    if (!skipValue(depth + 1)) {
                        return false;
                    }
                    int next = afterMember(']');
                    if (next <= 0) {
                        return next == 0;
                    }
                }
            }
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

    private boolean literal(String word) {
        int n = word.length();
        if (i + n > end) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        i += n;
        return true;
    }

    /** Strict JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private boolean number() {
        int k = i;
        if (k < end && b[k] == '-') {
            k++;
        }
        if (k >= end) {
            return false;
        }
        if (b[k] == '0') {
            k++;
        } else if (b[k] >= '1' && b[k] <= '9') {
            while (k < end && b[k] >= '0' && b[k] <= '9') {
                k++;
            }
        } else {
            return false;
        }
        if (k < end && b[k] == '.') {
            k++;
            int d = k;
            while (k < end && b[k] >= '0' && b[k] <= '9') {
                k++;
            }
            if (k == d) {
                return false;
            }
        }
        if (k < end && (b[k] == 'e' || b[k] == 'E')) {
            k++;
            if (k < end && (b[k] == '+' || b[k] == '-')) {
                k++;
            }
            int d = k;
            while (k < end && b[k] >= '0' && b[k] <= '9') {
                k++;
            }
            if (k == d) {
                return false;
            }
        }
        i = k;
        return true;
    }

    private void ws() {
        while (i < end) {
            byte c = b[i];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                i++;
            } else {
                return;
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
