package io.qmeter.internal.sse;

import io.qmeter.client.Fixtures;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

    private final List<SseDecoder.Event> events = new ArrayList<>();
    private final SseDecoder decoder = new SseDecoder(
            (t, b, o, l) -> events.add(new SseDecoder.Event(t, new String(b, o, l, UTF_8))));

    private void feed(String s) {
        byte[] b = s.getBytes(UTF_8);
        decoder.feed(b, 0, b.length);
    }

    private static SseDecoder.Event ev(String data) {
        return new SseDecoder.Event(null, data);
    }

    @Test
    void dispatchesOnBlankLineWithEveryLineEnding() {
        for (String nl : new String[] {"\n", "\r\n", "\r"}) {
            events.clear();
            feed("data: one" + nl + nl + "data: two" + nl + nl);
            assertThat(events).as("line ending %s", nl.replace("\r", "CR").replace("\n", "LF"))
                    .containsExactly(ev("one"), ev("two"));
        }
    }

    @Test
    void crLfSplitBetweenPiecesIsOneLineEnd() {
        feed("data: a\r");
        feed("\ndata: b\r");
        feed("\n");
        assertThat(events).isEmpty();
        feed("\n");
        assertThat(events).containsExactly(ev("a\nb"));
    }

    @Test
    void crAloneAtPieceEndFollowedByDataIsALineEnd() {
        feed("data: a\r");
        feed("\r");
        assertThat(events).containsExactly(ev("a"));
    }

    @Test
    void joinsMultiLineDataWithLf() {
        feed("data: first\ndata:second\ndata:  third\n\n");
        assertThat(events).containsExactly(ev("first\nsecond\n third"));
    }

    @Test
    void readsEventTypeAndResetsItAfterDispatch() {
        feed("event: error\ndata: {\"x\":1}\n\ndata: plain\n\n");
        assertThat(events).containsExactly(new SseDecoder.Event("error", "{\"x\":1}"), ev("plain"));
    }

    @Test
    void ignoresCommentsIdRetryAndUnknownFields() {
        feed(": ping\nid: 7\nretry: 100\nfoo: bar\ndata: x\n: another\n\n");
        assertThat(events).containsExactly(ev("x"));
    }

    @Test
    void blankLinesWithoutDataDispatchNothing() {
        feed("\n\n: c\n\nevent: lonely\n\n");
        assertThat(events).isEmpty();
        assertThat(decoder.eventCount()).isZero();
    }

    @Test
    void fieldWithoutColonIsEmptyData() {
        feed("data\n\n");
        assertThat(events).containsExactly(ev(""));
    }

    @Test
    void endDispatchesAFinalEventWithoutBlankLine() {
        feed("data: a\n\ndata: last");
        assertThat(events).containsExactly(ev("a"));
        decoder.end();
        assertThat(events).containsExactly(ev("a"), ev("last"));
    }

    @Test
    void endDispatchesAFinalTerminatedLineWithoutBlankLine() {
        feed("data: [DONE]\n");
        decoder.end();
        assertThat(events).containsExactly(ev("[DONE]"));
    }

    @Test
    void utf8SplitInsideACharacterDecodesWhole() {
        byte[] b = "data: é€中😀\n\n".getBytes(UTF_8);
        for (byte x : b) {
            decoder.feed(new byte[] {x}, 0, 1);
        }
        assertThat(events).containsExactly(ev("é€中😀"));
    }

    @Test
    void dropsALeadingByteOrderMarkEvenWhenSplit() {
        byte[] b = "\uFEFFdata: x\n\n".getBytes(UTF_8);
        decoder.feed(b, 0, 1);
        decoder.feed(b, 1, 1);
        decoder.feed(b, 2, b.length - 2);
        assertThat(events).containsExactly(ev("x"));
    }

    @Test
    void aPartialBomIsContent() {
        byte[] b = {(byte) 0xEF, 'd', 'a', 't', 'a', ':', ' ', 'x', '\n', '\n'};
        decoder.feed(b, 0, b.length);
        // the first line's field name is "\uFFFDdata", not "data": ignored
        assertThat(events).isEmpty();
    }

    @Test
    void respectsOffsetAndLength() {
        byte[] b = "XXdata: in\n\nYY".getBytes(UTF_8);
        decoder.feed(b, 2, b.length - 4);
        assertThat(events).containsExactly(ev("in"));
    }

    @Test
    void reusableAfterEnd() {
        feed("data: a");
        decoder.end();
        feed("\uFEFFdata: b\n\n");
        assertThat(events).containsExactly(ev("a"), ev("b"));
    }

    @Test
    void aLineLongerThanTheLimitFails() {
        SseDecoder small = new SseDecoder((t, b, o, l) -> { }, 16);
        byte[] b = "data: 0123456789abcdefghij".getBytes(UTF_8);
        assertThatThrownBy(() -> small.feed(b, 0, b.length)).isInstanceOf(SseDecoder.TooLargeException.class)
                .hasMessageContaining("exceeded 16 bytes");
    }

    @Test
    void decodesTheRecordedLlamaCppStream() {
        List<SseDecoder.Event> all = SseDecoder.decodeAll(Fixtures.bytes("llamacpp-completions-stream.txt"));
        assertThat(all).hasSize(10);
        assertThat(all.get(0).data()).startsWith("{\"choices\":[{\"text\":\" executable\"");
        assertThat(all.get(1).data()).contains("\" бра\"");
        assertThat(all.get(9)).isEqualTo(ev("[DONE]"));
    }
}
