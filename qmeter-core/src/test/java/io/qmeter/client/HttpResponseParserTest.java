package io.qmeter.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The client's HTTP/1.1 response framing: same result for any split of the bytes, clear errors otherwise. */
class HttpResponseParserTest {

    /** What the parser reported. */
    private static final class Seen implements HttpResponseParser.Listener {
        int status = -1;
        String contentType;
        boolean headKeepAlive;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int ends;
        Boolean endKeepAlive;
        String malformed;

        @Override
        public void onHead(int status, String contentType, boolean keepAlive) {
            this.status = status;
            this.contentType = contentType;
            this.headKeepAlive = keepAlive;
        }

        @Override
        public void onBody(ByteBuf buf, int index, int length) {
            byte[] b = new byte[length];
            buf.getBytes(index, b);
            body.write(b, 0, length);
        }

        @Override
        public void onEnd(boolean keepAlive) {
            ends++;
            endKeepAlive = keepAlive;
        }

        @Override
        public void onMalformed(String why) {
            malformed = why;
        }
    }

    private static Seen parse(byte[] bytes, List<Integer> cuts, boolean thenClose) {
        Seen seen = new Seen();
        HttpResponseParser p = new HttpResponseParser(seen);
        p.expectResponse();
        TreeSet<Integer> at = new TreeSet<>();
        for (int c : cuts) {
            if (c > 0 && c < bytes.length) {
                at.add(c);
            }
        }
        at.add(bytes.length);
        int from = 0;
        for (int to : at) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes, from, to - from);
            p.feed(buf);
            from = to;
        }
        if (thenClose && p.bodyUntilClose()) {
            p.closed();
        }
        return seen;
    }

    /** A response with a random body in the framing chosen by {@code framing}: 0 chunked, 1 length, 2 until close. */
    private static byte[] response(int framing, byte[] body, long seed, boolean interim, boolean close) {
        Random r = new Random(seed);
        StringBuilder h = new StringBuilder();
        if (interim) {
            h.append("HTTP/1.1 100 Continue\r\n\r\n");
        }
        h.append("HTTP/1.1 200 OK\r\n");
        h.append(r.nextBoolean() ? "content-type" : "Content-Type").append(": text/event-stream \r\n");
        h.append("X-Extra: ").append("v".repeat(r.nextInt(300))).append("\r\n");
        if (close) {
            h.append("Connection: close\r\n");
        }
        if (framing == 0) {
            h.append("Transfer-Encoding: chunked\r\n");
        } else if (framing == 1) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        h.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.toString().getBytes(ISO_8859_1));
        if (framing == 0) {
            int i = 0;
            while (i < body.length) {
                int n = Math.min(body.length - i, 1 + r.nextInt(100));
                String size = Integer.toHexString(n);
                out.writeBytes((r.nextBoolean() ? size.toUpperCase() : size).getBytes(ISO_8859_1));
                out.writeBytes((r.nextInt(4) == 0 ? ";ext=1\r\n" : "\r\n").getBytes(ISO_8859_1));
                out.write(body, i, n);
                out.writeBytes("\r\n".getBytes(ISO_8859_1));
                i += n;
            }
            out.writeBytes((r.nextBoolean() ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n").getBytes(ISO_8859_1));
        } else {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    @Property(tries = 600, seed = "20261127")
    void anyFramingAndAnySplitGivesTheSameBody(@ForAll @IntRange(min = 0, max = 2) int framing,
                                               @ForAll @Size(max = 3000) byte[] body,
                                               @ForAll long seed,
                                               @ForAll boolean interim,
                                               @ForAll boolean close,
                                               @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 4000) Integer> cuts) {
        byte[] bytes = response(framing, body, seed, interim, close);
        Seen seen = parse(bytes, cuts, true);
        assertThat(seen.malformed).isNull();
        assertThat(seen.status).isEqualTo(200);
        assertThat(seen.contentType).isEqualTo("text/event-stream");
        assertThat(seen.body.toByteArray()).isEqualTo(body);
        assertThat(seen.ends).isEqualTo(1);
        assertThat(seen.endKeepAlive).isEqualTo(framing != 2 && !close);
    }

    @Test
    void everyByteSeparatelyAlsoWorks() {
        byte[] body = "data: {\"x\":1}\n\ndata: [DONE]\n\n".getBytes(ISO_8859_1);
        byte[] bytes = response(0, body, 1, true, false);
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            cuts.add(i);
        }
        Seen seen = parse(bytes, cuts, false);
        assertThat(seen.body.toByteArray()).isEqualTo(body);
        assertThat(seen.ends).isEqualTo(1);
        assertThat(seen.endKeepAlive).isTrue();
    }

    @Test
    void aLongStreamOfSmallChunksIsNotMistakenForALargeHead() {
        // 20,000 chunks: their size lines add up to far more than the 64 KiB head limit
        StringBuilder r = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 20_000; i++) {
            r.append("5\r\ntok;\n\r\n");
        }
        r.append("0\r\n\r\n");
        Seen seen = parse(r.toString().getBytes(ISO_8859_1), List.of(), false);
        assertThat(seen.malformed).isNull();
        assertThat(seen.body.size()).isEqualTo(100_000);
        assertThat(seen.ends).isEqualTo(1);
        assertThat(seen.endKeepAlive).isTrue();
    }

    @Test
    void http10KeepsTheConnectionOnlyWhenAsked() {
        Seen plain = parse("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(ISO_8859_1), List.of(), false);
        assertThat(plain.endKeepAlive).isFalse();
        Seen kept = parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok".getBytes(ISO_8859_1),
                List.of(), false);
        assertThat(kept.endKeepAlive).isTrue();
        assertThat(kept.body.toString(ISO_8859_1)).isEqualTo("ok");
    }

    @Test
    void noContentEndsWithTheHead() {
        Seen s = parse("HTTP/1.1 204 No Content\r\n\r\n".getBytes(ISO_8859_1), List.of(), false);
        assertThat(s.status).isEqualTo(204);
        assertThat(s.ends).isEqualTo(1);
        assertThat(s.body.size()).isZero();
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertThat(parse("SSH-2.0-OpenSSH_9.2\r\n".getBytes(ISO_8859_1), List.of(), false).malformed)
                .isEqualTo("invalid status line 'SSH-2.0-OpenSSH_9.2'");
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".getBytes(ISO_8859_1), List.of(),
                false).malformed).isEqualTo("invalid chunk size line 'zz'");
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n".getBytes(ISO_8859_1),
                List.of(), false).malformed).startsWith("expected CRLF after a chunk");
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok".getBytes(ISO_8859_1),
                List.of(), false).malformed).isEqualTo("conflicting Content-Length headers");
        assertThat(parse("HTTP/1.1 200 OK\r\nbroken header\r\n\r\n".getBytes(ISO_8859_1), List.of(), false).malformed)
                .isEqualTo("invalid header line 'broken header'");
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA".getBytes(ISO_8859_1), List.of(), false)
                .malformed).isEqualTo("bytes after the end of the response");
        String huge = "HTTP/1.1 200 OK\r\n" + ("X: " + "y".repeat(1000) + "\r\n").repeat(70) + "\r\n";
        assertThat(parse(huge.getBytes(ISO_8859_1), List.of(), false).malformed)
                .isEqualTo("response head larger than 65536 bytes");
    }

    @Test
    void bytesWhenNoResponseIsExpectedAreRefused() {
        Seen seen = new Seen();
        HttpResponseParser p = new HttpResponseParser(seen);
        assertThat(p.feed(Unpooled.wrappedBuffer("HTTP/1.1 200 OK\r\n".getBytes(ISO_8859_1)))).isFalse();
        assertThat(seen.status).isEqualTo(-1);
    }
}
