package io.qmeter.internal.sse;

import io.qmeter.client.Fixtures;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Decoding must not depend on how the bytes were split. */
class SseDecoderChunkingTest {

    @Property(tries = 400, seed = "20261127")
    void everyFixtureDecodesTheSameForAnySplit(@ForAll("fixtures") String fixture,
                                               @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 4000) Integer> cuts) {
        byte[] all = Fixtures.bytes(fixture);
        assertThat(decodeSplit(all, cuts)).isEqualTo(SseDecoder.decodeAll(all));
    }

    @Property(tries = 100, seed = "7")
    void everyFixtureDecodesTheSameByteByByte(@ForAll("fixtures") String fixture) {
        byte[] all = Fixtures.bytes(fixture);
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i <= all.length; i++) {
            cuts.add(i);
        }
        assertThat(decodeSplit(all, cuts)).isEqualTo(SseDecoder.decodeAll(all));
    }

    @Property(tries = 1000, seed = "42")
    void generatedStreamsDecodeToTheirEventsForAnySplitAndLineEnding(
            @ForAll("streams") List<SseDecoder.Event> events,
            @ForAll("lineEnds") List<String> lineEnds,
            @ForAll boolean finalBlankLine,
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 3000) Integer> cuts) {
        byte[] stream = encode(events, lineEnds, finalBlankLine);
        assertThat(decodeSplit(stream, cuts)).isEqualTo(events);
    }

    @Provide
    Arbitrary<String> fixtures() {
        return Arbitraries.of(Fixtures.ALL);
    }

    @Provide
    Arbitrary<List<String>> lineEnds() {
        return Arbitraries.of("\n", "\r\n", "\r").list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<SseDecoder.Event>> streams() {
        Arbitrary<String> piece = Arbitraries.of("a", "Z", " ", ":", "é", "€", "中", "😀", "data", "{\"t\":1}", "[DONE]",
                "\t", "event");
        Arbitrary<String> line = piece.list().ofMaxSize(8).map(l -> String.join("", l));
        Arbitrary<String> data = line.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("\n", l));
        Arbitrary<String> type = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).injectNull(0.7);
        Arbitrary<SseDecoder.Event> event = Combinators.combine(type, data).as(SseDecoder.Event::new);
        return event.list().ofMaxSize(8);
    }

    /** Writes events with varying line ends, comments and optional trailing blank line. */
    private static byte[] encode(List<SseDecoder.Event> events, List<String> ends, boolean finalBlankLine) {
        StringBuilder sb = new StringBuilder();
        int[] k = {0};
        String[] last = {""};
        // a CR followed by a blank line's LF would read as one CRLF: use CRLF for such a blank line
        java.util.function.Supplier<String> nl = () -> {
            String e = ends.get(k[0]++ % ends.size());
            if (last[0].equals("\r") && e.equals("\n")) {
                e = "\r\n";
            }
            last[0] = e;
            return e;
        };
        for (int i = 0; i < events.size(); i++) {
            SseDecoder.Event e = events.get(i);
            if (i % 3 == 1) {
                sb.append(": keep-alive").append(nl.get());
            }
            if (e.type() != null) {
                sb.append("event: ").append(e.type()).append(nl.get());
            }
            for (String d : e.data().split("\n", -1)) {
                sb.append("data: ").append(d).append(nl.get());
            }
            boolean lastEvent = i == events.size() - 1;
            if (!lastEvent || finalBlankLine) {
                sb.append(nl.get());
            }
        }
        return sb.toString().getBytes(UTF_8);
    }

    private static List<SseDecoder.Event> decodeSplit(byte[] all, List<Integer> cuts) {
        List<SseDecoder.Event> out = new ArrayList<>();
        SseDecoder d = new SseDecoder((t, b, o, l) -> out.add(new SseDecoder.Event(t, new String(b, o, l, UTF_8))));
        TreeSet<Integer> points = new TreeSet<>();
        for (int c : cuts) {
            points.add(Math.min(c, all.length));
        }
        points.add(all.length);
        int from = 0;
        for (int to : points) {
            // copy each piece so the decoder cannot rely on seeing the neighbouring bytes
            byte[] piece = java.util.Arrays.copyOfRange(all, from, to);
            d.feed(piece, 0, piece.length);
            from = to;
        }
        d.end();
        return out;
    }

    @SuppressWarnings("unused")
    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        parts.forEach(o::writeBytes);
        return o.toByteArray();
    }
}
