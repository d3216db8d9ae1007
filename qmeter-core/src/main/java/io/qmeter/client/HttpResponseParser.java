package io.qmeter.client;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An incremental HTTP/1.1 response parser for {@link LlmClient}: status line, headers (only those
 * it needs are kept), then the body framed by {@code Transfer-Encoding: chunked},
 * {@code Content-Length}, or the end of the connection. Body bytes are handed on in place (an index
 * range of the network buffer), nothing is allocated per chunk; a response costs one
 * {@code String} (its {@code Content-Type}).
 *
 * <p>Written for this client instead of Netty's {@code HttpResponseDecoder}, which builds a header
 * map, a message object and a content object per network buffer: at 10,000 short streams a second
 * that was about a fifth of the event loop's time and allocation (qmeter-bench, JFR).
 *
 * <p>One response at a time (the client does not pipeline): {@link #expectResponse()} arms it;
 * bytes that arrive while no response is expected, or after a response ended in the same buffer,
 * are reported as unexpected. Not thread-safe; one instance per connection, used on its loop.
 */
final class HttpResponseParser {

    /** Receives what the parser finds, in order: head, body pieces, end (or an error). */
    interface Listener {
        /** The status line and headers of a final (not 1xx) response. */
        void onHead(int status, String contentType, boolean keepAlive);

        /** Body bytes {@code [index, index + length)} of {@code buf} (valid during the call only). */
        void onBody(ByteBuf buf, int index, int length);

        /** The response ended; {@code keepAlive}: the connection may carry another request. */
        void onEnd(boolean keepAlive);

        /** The bytes are not a valid HTTP response (the connection must be closed). */
        void onMalformed(String why);

        /**
         * A valid response the client cannot measure (an encoded body, a protocol switch); the
         * connection must be closed. {@code why} is the whole message.
         */
        default void onUnsupported(String why) {
            onMalformed(why);
        }
    }

    static final int MAX_LINE = 16 * 1024;
    static final int MAX_HEAD = 64 * 1024;

    private enum State { IDLE, STATUS, HEADERS, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, FAILED }

    private final Listener listener;
    private State state = State.IDLE;
    private final byte[] line = new byte[256];
    private byte[] longLine;
    private int lineLength;
    private int headBytes;

    private int status;
    private boolean http10;
    private String contentType;
    private long contentLength;
    private boolean chunked;
    private String connection;
    private String contentEncoding;
    private String upgrade;
    private long remaining;

    HttpResponseParser(Listener listener) {
        this.listener = listener;
    }

    /** The next bytes are a new response. */
    void expectResponse() {
        state = State.STATUS;
        resetHead();
    }

    /** True while a response was expected and has not ended. */
    boolean inResponse() {
        return state != State.IDLE && state != State.FAILED;
    }

    /** True when the body runs until the connection closes (then {@link #closed()} ends it). */
    boolean bodyUntilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /**
     * Parses {@code buf}'s readable bytes (not consumed: the caller releases the buffer).
     *
     * @return false when bytes came that no response was expected for (the listener was not told)
     */
    boolean feed(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            switch (state) {
                case IDLE -> {
                    return false;
                }
                case FAILED -> {
                    return true;
                }
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    int eol = buf.indexOf(i, end, (byte) '\n');
                    int stop = eol < 0 ? end : eol;
                    if (!append(buf, i, stop - i)) {
                        return true;
                    }
                    i = stop;
                    if (eol < 0) {
                        continue;
                    }
                    i++; // the '\n'
                    if (!line()) {
                        return true;
                    }
                }
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    if (n > 0) {
                        listener.onBody(buf, i, n);
                    }
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.LENGTH) {
                            finish();
                        } else {
                            state = State.CHUNK_END;
                        }
                    }
                }
                case UNTIL_CLOSE -> {
                    listener.onBody(buf, i, end - i);
                    i = end;
                }
            }
            if (state == State.IDLE && i < end) {
                // bytes after the end of the response: this client never pipelines
                fail("bytes after the end of the response");
                return true;
            }
        }
        return true;
    }

    /** The connection closed: ends a body that runs until close. */
    void closed() {
        if (state == State.UNTIL_CLOSE) {
            state = State.IDLE;
            listener.onEnd(false);
        }
    }

    private boolean append(ByteBuf buf, int from, int n) {
        if (state == State.STATUS || state == State.HEADERS || state == State.TRAILERS) {
            headBytes += n; // chunk-size lines are bounded by MAX_LINE alone: a long stream has many
        }
        if (headBytes > MAX_HEAD) {
            fail("response head larger than " + MAX_HEAD + " bytes");
            return false;
        }
        if (lineLength + n > MAX_LINE) {
            fail("line longer than " + MAX_LINE + " bytes");
            return false;
        }
        byte[] into = lineLength + n <= line.length && longLine == null ? line : grow(lineLength + n);
        buf.getBytes(from, into, lineLength, n);
        lineLength += n;
        return true;
    }

    private byte[] grow(int need) {
        if (longLine == null) {
            longLine = new byte[Math.max(need, 1024)];
            System.arraycopy(line, 0, longLine, 0, lineLength);
        } else if (need > longLine.length) {
            longLine = java.util.Arrays.copyOf(longLine, Math.max(need, longLine.length * 2));
        }
        return longLine;
    }

    /** One complete line (without its '\n') is in the line buffer. */
    private boolean line() {
        byte[] b = longLine != null ? longLine : line;
        int n = lineLength;
        if (n > 0 && b[n - 1] == '\r') {
            n--;
        }
        lineLength = 0;
        longLine = null;
        return switch (state) {
            case STATUS -> statusLine(b, n);
            case HEADERS -> headerLine(b, n);
            case CHUNK_SIZE -> chunkSize(b, n);
            case CHUNK_END -> {
                if (n != 0) {
                    fail("expected CRLF after a chunk, got '" + text(b, n) + "'");
                    yield false;
                }
                state = State.CHUNK_SIZE;
                yield true;
            }
            case TRAILERS -> {
                if (n == 0) {
                    finish();
                }
                yield true;
            }
            default -> true;
        };
    }

    private boolean statusLine(byte[] b, int n) {
        if (n == 0 && headBytes <= 2) {
            headBytes = 0;
            return true; // tolerate a stray CRLF before the status line
        }
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (n < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[5] != '1'
                || b[6] != '.' || (b[7] != '0' && b[7] != '1') || b[8] != ' ' || !digit(b[9]) || !digit(b[10])
                || !digit(b[11]) || (n > 12 && b[12] != ' ')) {
            fail("invalid status line '" + text(b, n) + "'");
            return false;
        }
        http10 = b[7] == '0';
        status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
        state = State.HEADERS;
        return true;
    }

    private boolean headerLine(byte[] b, int n) {
        if (n == 0) {
            return endOfHead();
        }
        int colon = -1;
        for (int k = 0; k < n; k++) {
            if (b[k] == ':') {
                colon = k;
                break;
            }
        }
        if (colon <= 0 || b[0] == ' ' || b[0] == '\t') {
            fail("invalid header line '" + text(b, n) + "'");
            return false;
        }
        int vs = colon + 1;
        int ve = n;
        while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
        }
        if (is(b, colon, "content-type")) {
            contentType = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
        } else if (is(b, colon, "content-length")) {
            long v = 0;
            if (vs == ve) {
                fail("empty Content-Length");
                return false;
            }
            for (int k = vs; k < ve; k++) {
                if (!digit(b[k]) || v > Long.MAX_VALUE / 10 - 10) {
                    fail("invalid Content-Length '" + text(b, n) + "'");
                    return false;
                }
                v = v * 10 + (b[k] - '0');
            }
            if (contentLength >= 0 && contentLength != v) {
                fail("conflicting Content-Length headers");
                return false;
            }
            contentLength = v;
        } else if (is(b, colon, "transfer-encoding")) {
            String te = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            chunked = te.endsWith("chunked");
        } else if (is(b, colon, "connection")) {
            connection = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        } else if (is(b, colon, "content-encoding")) {
            contentEncoding = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
        } else if (is(b, colon, "upgrade")) {
            upgrade = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
        }
        return true;
    }

    private boolean endOfHead() {
        headBytes = 0; // from here on it counts trailers
        if (status == 101) {
            state = State.FAILED;
            listener.onUnsupported("the server switched protocols (HTTP 101, Upgrade: " + upgrade
                    + ") although the client never asked it to; qMeter measures HTTP/1.1 responses only: "
                    + "check what stands between the client and the server");
            return false;
        }
        if (status < 200) {
            resetHead(); // 100 Continue and other interim responses: the real one follows
            state = State.STATUS;
            return true;
        }
        if (contentEncoding != null && !contentEncoding.equalsIgnoreCase("identity")) {
            state = State.FAILED;
            listener.onUnsupported("the response (HTTP " + status + ") has Content-Encoding: " + contentEncoding
                    + " although the request asked for Accept-Encoding: identity; qMeter times unencoded "
                    + "streams only: turn compression off in the server or the gateway in front of it");
            return false;
        }
        boolean keepAlive = keepAlive();
        boolean noBody = status == 204 || status == 304;
        if (!noBody && !chunked && contentLength < 0) {
            keepAlive = false; // the body ends when the connection does
        }
        listener.onHead(status, contentType, keepAlive);
        if (state == State.FAILED || state == State.IDLE) {
            return false; // the listener gave up on the response
        }
        if (noBody) {
            finish();
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = State.LENGTH;
            if (remaining == 0) {
                finish();
            }
        } else {
            state = State.UNTIL_CLOSE;
        }
        return true;
    }

    private boolean chunkSize(byte[] b, int n) {
        long size = 0;
        int k = 0;
        while (k < n && hex(b[k]) >= 0) {
            if (size > (Long.MAX_VALUE >> 4)) {
                fail("chunk size too large");
                return false;
            }
            size = (size << 4) | hex(b[k]);
            k++;
        }
        if (k == 0 || (k < n && b[k] != ';' && b[k] != ' ' && b[k] != '\t')) {
            fail("invalid chunk size line '" + text(b, n) + "'");
            return false;
        }
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    private void finish() {
        state = State.IDLE;
        listener.onEnd(keepAlive());
    }

    /** HTTP/1.1 keeps the connection unless told to close it; HTTP/1.0 only when asked to keep it. */
    private boolean keepAlive() {
        return http10 ? connection != null && connection.contains("keep-alive")
                : connection == null || !connection.contains("close");
    }

    private void fail(String why) {
        state = State.FAILED;
        listener.onMalformed(why);
    }

    /** Stops parsing the current response (its exchange ended early); later bytes are ignored. */
    void abandon() {
        if (state != State.IDLE) {
            state = State.FAILED;
        }
    }

    private void resetHead() {
        status = 0;
        http10 = false;
        contentType = null;
        contentLength = -1;
        chunked = false;
        connection = null;
        contentEncoding = null;
        upgrade = null;
        lineLength = 0;
        longLine = null;
        headBytes = 0;
    }

    private static boolean is(byte[] b, int length, String lowerName) {
        if (length != lowerName.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            int c = b[k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static String text(byte[] b, int n) {
        String s = new String(b, 0, Math.min(n, 120), StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out + (n > 120 ? "…" : "");
    }
}
