package io.qmeter.internal.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An incremental decoder for {@code text/event-stream} (Server-Sent Events), fed raw bytes in
 * whatever pieces the network delivers.
 *
 * <p>It follows the WHATWG event-stream rules: lines end with {@code \n}, {@code \r\n} or
 * {@code \r} (also when a {@code \r\n} pair is split between two pieces); a leading UTF-8 byte
 * order mark is dropped; lines starting with {@code :} are comments; {@code data:} lines of one
 * event are joined with {@code \n}; {@code event:} sets the event type; a blank line dispatches
 * the event; one space after the colon is removed. Unlike a browser, {@link #end()} also
 * dispatches a last event that was not followed by a blank line (servers that close right after
 * their last {@code data:} line). {@code id:}, {@code retry:} and unknown fields are ignored.
 *
 * <p>Text is never decoded here: the decoder works on bytes and hands over each event's data as
 * UTF-8 bytes once the event is complete, so a multi-byte character split between two pieces is
 * whole by then. Decoding is therefore independent of how the stream was split: any split of the
 * same bytes gives the same events.
 *
 * <p>Allocation: the decoder owns two growable byte arrays (the unfinished line, the event's data)
 * that start small and are reused; decoding a complete line that lies inside one piece copies only
 * its value. The only per-event allocation is the type {@code String} when an {@code event:} line
 * is present. Not thread-safe: one decoder per stream, fed from one thread at a time.
 *
 * <pre>{@code
 * SseDecoder decoder = new SseDecoder((type, data, off, len) ->
 *         System.out.println(new String(data, off, len, StandardCharsets.UTF_8)));
 * decoder.feed(bytes, 0, bytes.length);   // any number of times, any piece sizes
 * decoder.end();                          // at end of stream
 * }</pre>
 */
public final class SseDecoder {

    /**
     * Receives each complete event.
     *
     * <pre>{@code
     * SseDecoder.Listener l = (type, data, off, len) -> count++;
     * }</pre>
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called once per dispatched event. The array is the decoder's own buffer: it is valid only
         * during the call and must not be kept.
         *
         * @param type   the {@code event:} value, or {@code null} when the event had none ("message")
         * @param data   the UTF-8 bytes of the event's data ({@code data:} lines joined with {@code \n})
         * @param offset where the data starts in {@code data}
         * @param length how many bytes of data
         */
        void onEvent(String type, byte[] data, int offset, int length);
    }

    /**
     * A decoded event as a value, for tests and diagnostics ({@link #decodeAll(byte[])}).
     *
     * <pre>{@code
     * List<SseDecoder.Event> events = SseDecoder.decodeAll(bytes);
     * }</pre>
     *
     * @param type the {@code event:} value or {@code null}
     * @param data the data as text
     */
    public record Event(String type, String data) {
        /**
         * Checks that data is present.
         *
         * @param type the {@code event:} value or {@code null}
         * @param data the data as text
         */
        public Event {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * Thrown by {@code feed} when one line or one event grows past the decoder's limit (a server
     * that never ends a line, or a stream that is not SSE at all).
     *
     * <pre>{@code
     * try { decoder.feed(b, 0, n); } catch (SseDecoder.TooLargeException e) { ... }
     * }</pre>
     */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** Default limit on one line or one event's data: 8 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 << 20;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Listener listener;
    private final int maxEventBytes;

    /** Bytes of the line not yet ended (only when a line spans pieces). */
    private byte[] line = EMPTY;
    private int lineLength;
    /** The data buffer of the event being built. */
    private byte[] data = EMPTY;
    private int dataLength;
    /** Whether a data field was seen for the current event (even an empty one). */
    private boolean hasData;
    private String eventType;
    /** The previous piece ended with CR: a LF at the start of the next piece belongs to it. */
    private boolean skipLf;
    /** BOM matching at stream start: number of BOM bytes matched so far, or -1 when done. */
    private int bomMatched;
    private long events;

    /**
     * A decoder with the default size limit.
     *
     * @param listener receives the events
     */
    public SseDecoder(Listener listener) {
        this(listener, DEFAULT_MAX_EVENT_BYTES);
    }

    /**
     * A decoder with a size limit for one line and one event's data.
     *
     * @param listener      receives the events
     * @param maxEventBytes the limit, at least 1
     */
    public SseDecoder(Listener listener, int maxEventBytes) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be >= 1, was " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Decodes every event of a complete stream (convenience for tests and tools).
     *
     * <pre>{@code
     * List<SseDecoder.Event> events = SseDecoder.decodeAll("data: hi\n\n".getBytes(UTF_8));
     * }</pre>
     *
     * @param stream the whole stream
     * @return its events in order
     */
    public static List<Event> decodeAll(byte[] stream) {
        List<Event> out = new ArrayList<>();
        SseDecoder d = new SseDecoder((t, b, o, l) -> out.add(new Event(t, new String(b, o, l, StandardCharsets.UTF_8))));
        d.feed(stream, 0, stream.length);
        d.end();
        return out;
    }

    /**
     * Number of events dispatched so far.
     *
     * @return the count
     */
    public long eventCount() {
        return events;
    }

    /**
     * Feeds the next piece of the stream from a buffer, reading from its position to its limit
     * and leaving its position at the limit.
     *
     * @param buffer the piece
     * @throws TooLargeException when a line or event exceeds the limit
     */
    public void feed(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            int n = buffer.remaining();
            feed(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
            buffer.position(buffer.limit());
            return;
        }
        byte[] tmp = new byte[Math.min(buffer.remaining(), 8192)];
        while (buffer.hasRemaining()) {
            int n = Math.min(tmp.length, buffer.remaining());
            buffer.get(tmp, 0, n);
            feed(tmp, 0, n);
        }
    }

    /**
     * Feeds the next piece of the stream. The decoder copies what it must keep; the array may be
     * reused by the caller after the call.
     *
     * @param bytes  the array
     * @param offset where the piece starts
     * @param length how many bytes
     * @throws TooLargeException when a line or event exceeds the limit
     */
    public void feed(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int i = offset;
        final int end = offset + length;
        if (i == end) {
            return;
        }
        if (bomMatched >= 0) {
            i = matchBom(bytes, i, end);
            if (i == end) {
                return;
            }
        }
        if (skipLf) {
            skipLf = false;
            if (bytes[i] == LF) {
                i++;
            }
        }
        int lineStart = i;
        while (i < end) {
            i = indexOfLineEnd(bytes, i, end);
            if (i == end) {
                break;
            }
            byte b = bytes[i];
            if (lineLength > 0) {
                appendLine(bytes, lineStart, i - lineStart);
                processLine(line, 0, lineLength);
                lineLength = 0;
            } else {
                if (i - lineStart > maxEventBytes) {
                    throw tooLarge("line");
                }
                processLine(bytes, lineStart, i - lineStart);
            }
            i++;
            if (b == CR) {
                if (i < end) {
                    if (bytes[i] == LF) {
                        i++;
                    }
                } else {
                    skipLf = true;
                }
            }
            lineStart = i;
        }
        if (lineStart < end) {
            appendLine(bytes, lineStart, end - lineStart);
        }
    }

    /**
     * Signals the end of the stream: an unfinished last line is processed and an event that was
     * not followed by a blank line is dispatched. The decoder is then ready for a new stream.
     */
    public void end() {
        if (bomMatched > 0) {
            appendLine(BOM, 0, bomMatched);
        }
        bomMatched = 0;
        if (lineLength > 0) {
            processLine(line, 0, lineLength);
            lineLength = 0;
        }
        dispatch();
        skipLf = false;
    }

    /**
     * The index of the first CR or LF in {@code b[i, end)}, or {@code end}. Eight bytes at a time
     * (SWAR): a byte equal to CR or LF becomes zero after XOR, and the lowest zero byte of a word is
     * found exactly by {@code (x - 0x01..) & ~x & 0x80..}.
     */
    private static int indexOfLineEnd(byte[] b, int i, int end) {
        while (i + 8 <= end) {
            long w = (long) LONGS.get(b, i);
            long x = w ^ 0x0A0A0A0A0A0A0A0AL;
            long y = w ^ 0x0D0D0D0D0D0D0D0DL;
            long m = (((x - 0x0101010101010101L) & ~x) | ((y - 0x0101010101010101L) & ~y)) & 0x8080808080808080L;
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
            i += 8;
        }
        while (i < end) {
            byte c = b[i];
            if (c == LF || c == CR) {
                return i;
            }
            i++;
        }
        return end;
    }

    private int matchBom(byte[] bytes, int i, int end) {
        while (i < end && bomMatched >= 0) {
            if (bytes[i] == BOM[bomMatched]) {
                bomMatched++;
                i++;
                if (bomMatched == BOM.length) {
                    bomMatched = -1;
                }
            } else {
                // not a BOM: the bytes matched so far are ordinary content of the first line
                appendLine(BOM, 0, bomMatched);
                bomMatched = -1;
            }
        }
        return i;
    }

    private void appendLine(byte[] src, int off, int len) {
        int need = lineLength + len;
        if (need > maxEventBytes) {
            throw tooLarge("line");
        }
        if (need > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(need, Math.max(128, line.length * 2)));
        }
        System.arraycopy(src, off, line, lineLength, len);
        lineLength = need;
    }

    private void appendData(byte[] src, int off, int len) {
        int need = dataLength + len + (hasData ? 1 : 0);
        if (need > maxEventBytes) {
            throw tooLarge("event");
        }
        if (need > data.length) {
            data = java.util.Arrays.copyOf(data, Math.max(need, Math.max(256, data.length * 2)));
        }
        if (hasData) {
            data[dataLength++] = LF;
        }
        System.arraycopy(src, off, data, dataLength, len);
        dataLength += len;
        hasData = true;
    }

    private TooLargeException tooLarge(String what) {
        TooLargeException e = new TooLargeException("an SSE " + what + " exceeded " + maxEventBytes
                + " bytes; the response is probably not an event stream (or raise the limit)");
        lineLength = 0;
        dataLength = 0;
        hasData = false;
        return e;
    }

    private void processLine(byte[] b, int off, int len) {
        if (len == 0) {
            dispatch();
            return;
        }
        if (b[off] == ':') {
            return; // comment
        }
        int colon = -1;
        for (int k = off, e = off + len; k < e; k++) {
            if (b[k] == ':') {
                colon = k;
                break;
            }
        }
        int nameLength = colon < 0 ? len : colon - off;
        int valueStart;
        int valueLength;
        if (colon < 0) {
            valueStart = off + len;
            valueLength = 0;
        } else {
            valueStart = colon + 1;
            if (valueStart < off + len && b[valueStart] == ' ') {
                valueStart++;
            }
            valueLength = off + len - valueStart;
        }
        if (nameLength == 4 && b[off] == 'd' && b[off + 1] == 'a' && b[off + 2] == 't' && b[off + 3] == 'a') {
            appendData(b, valueStart, valueLength);
        } else if (nameLength == 5 && b[off] == 'e' && b[off + 1] == 'v' && b[off + 2] == 'e' && b[off + 3] == 'n'
                && b[off + 4] == 't') {
            eventType = new String(b, valueStart, valueLength, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields are ignored
    }

    private void dispatch() {
        if (hasData) {
            String type = eventType == null || eventType.isEmpty() ? null : eventType;
            int len = dataLength;
            dataLength = 0;
            hasData = false;
            eventType = null;
            events++;
            listener.onEvent(type, data, 0, len);
        } else {
            eventType = null;
        }
    }
}
