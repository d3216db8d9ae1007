package io.qmeter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link HttpResponseParser} against Netty's own {@code HttpResponseDecoder}: for any framing
 * (Content-Length, chunked with extensions and trailers, close-delimited) and any split of the bytes
 * into network buffers, both see the same status, the same body bytes, and the end of the response.
 */
class HttpResponseParserDifferentialTest {

    /** What one parser saw. */
    private record Seen(int status, byte[] body, boolean ended) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Seen s && s.status == status && java.util.Arrays.equals(s.body, body) && s.ended == ended;
        }

        @Override
        public int hashCode() {
            return status;
        }

        @Override
        public String toString() {
            return "Seen[" + status + ", " + body.length + " bytes: '"
                    + new String(body, StandardCharsets.ISO_8859_1) + "', ended " + ended + "]";
        }
    }

    @Property(tries = 400, seed = "20261201")
    void bothParsersSeeTheSameResponseWhateverTheFramingAndTheSplit(
            @ForAll @IntRange(min = 0, max = 2) int framing, @ForAll @IntRange(min = 0, max = 400) int bodyLength,
            @ForAll @IntRange(min = 1, max = 40) int pieces, @ForAll long seed) {
        Random rng = new Random(seed);
        byte[] body = new byte[bodyLength];
        for (int i = 0; i < bodyLength; i++) {
            body[i] = (byte) (rng.nextBoolean() ? 'a' + rng.nextInt(26) : rng.nextInt(256));
        }
        int status = new int[] {200, 201, 400, 429, 500, 503}[rng.nextInt(6)];
        byte[] wire = response(framing, status, body, rng);
        List<byte[]> split = split(wire, pieces, rng);
        boolean closeDelimited = framing == 2;

        Seen ours = ours(split, closeDelimited);
        Seen netty = netty(split, closeDelimited);
        assertThat(ours).as("framing %d, %d pieces", framing, split.size()).isEqualTo(netty);
        assertThat(ours.body()).isEqualTo(body);
        assertThat(ours.status()).isEqualTo(status);
        assertThat(ours.ended()).isTrue();
    }

    private static byte[] response(int framing, int status, byte[] body, Random rng) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\nContent-Type: text/event-stream\r\n");
        if (rng.nextBoolean()) {
            head.append("X-Pad: ").append("p".repeat(rng.nextInt(50))).append("\r\n");
        }
        switch (framing) {
            case 0 -> head.append("Content-Length: ").append(body.length).append("\r\n");
            case 1 -> head.append("Transfer-Encoding: chunked\r\n");
            default -> head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (framing != 1) {
            out.writeBytes(body);
            return out.toByteArray();
        }
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + rng.nextInt(120));
            String size = rng.nextBoolean() ? Integer.toHexString(n) : Integer.toHexString(n).toUpperCase();
            String ext = rng.nextInt(4) == 0 ? ";name=value" : "";
            out.writeBytes((size + ext + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            at += n;
        }
        out.writeBytes(("0" + (rng.nextInt(4) == 0 ? ";last=1" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        if (rng.nextBoolean()) {
            out.writeBytes("X-Trailer: t\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static List<byte[]> split(byte[] wire, int pieces, Random rng) {
        List<Integer> cuts = new ArrayList<>();
        for (int k = 1; k < pieces; k++) {
            cuts.add(rng.nextInt(wire.length + 1));
        }
        cuts.add(0);
        cuts.add(wire.length);
        cuts.sort(null);
        List<byte[]> out = new ArrayList<>();
        for (int k = 1; k < cuts.size(); k++) {
            out.add(java.util.Arrays.copyOfRange(wire, cuts.get(k - 1), cuts.get(k)));
        }
        return out;
    }

    private static Seen ours(List<byte[]> split, boolean closeDelimited) {
        int[] status = {0};
        boolean[] ended = {false};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpResponseParser p = new HttpResponseParser(new HttpResponseParser.Listener() {
            @Override
            public void onHead(int s, String contentType, boolean keepAlive) {
                status[0] = s;
            }

            @Override
            public void onBody(ByteBuf buf, int index, int length) {
                byte[] b = new byte[length];
                buf.getBytes(index, b);
                body.writeBytes(b);
            }

            @Override
            public void onEnd(boolean keepAlive) {
                ended[0] = true;
            }

            @Override
            public void onMalformed(String why) {
                throw new AssertionError("malformed: " + why);
            }
        });
        p.expectResponse();
        for (byte[] piece : split) {
            ByteBuf buf = Unpooled.wrappedBuffer(piece);
            try {
                p.feed(buf);
            } finally {
                buf.release();
            }
        }
        if (closeDelimited && p.bodyUntilClose()) {
            p.closed();
        }
        return new Seen(status[0], body.toByteArray(), ended[0]);
    }

    private static Seen netty(List<byte[]> split, boolean closeDelimited) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseDecoder());
        int status = 0;
        boolean ended = false;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Object> messages = new ArrayList<>();
        for (byte[] piece : split) {
            ch.writeInbound(Unpooled.wrappedBuffer(piece));
            Object m;
            while ((m = ch.readInbound()) != null) {
                messages.add(m);
            }
        }
        if (closeDelimited) {
            ch.finish();
            Object m;
            while ((m = ch.readInbound()) != null) {
                messages.add(m);
            }
        }
        for (Object m : messages) {
            try {
                if (m instanceof HttpResponse r) {
                    assertThat(r.decoderResult().isSuccess()).as("Netty decoded the head").isTrue();
                    status = r.status().code();
                }
                if (m instanceof HttpContent c) {
                    assertThat(c.decoderResult().isSuccess()).as("Netty decoded the content").isTrue();
                    byte[] b = new byte[c.content().readableBytes()];
                    c.content().getBytes(c.content().readerIndex(), b);
                    body.writeBytes(b);
                }
                if (m instanceof LastHttpContent) {
                    ended = true;
                }
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
        ch.finishAndReleaseAll();
        return new Seen(status, body.toByteArray(), ended);
    }
}
