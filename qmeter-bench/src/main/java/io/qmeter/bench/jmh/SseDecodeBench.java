package io.qmeter.bench.jmh;

import io.qmeter.internal.sse.ChunkInterpreter;
import io.qmeter.internal.sse.SseDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SSE decoding cost per event, on the neutral stub's exact stream (16 or 256 content chunks + a
 * usage chunk + {@code [DONE]}: 18 or 258 events), fed in pieces of {@code piece} bytes as network
 * reads deliver it. Scores are ns per event ({@code @OperationsPerInvocation}).
 * <ul>
 *   <li>{@code decodeN}: {@link SseDecoder} alone, a new decoder per stream (the client makes one
 *       per request);</li>
 *   <li>{@code decodeAndInterpretN}: plus {@link ChunkInterpreter} on each event (JSON: content,
 *       usage, finish reason), the client's whole per-event work above Netty.</li>
 * </ul>
 *
 * <pre>{@code
 * java -cp "$CP" org.openjdk.jmh.Main SseDecodeBench -f 1 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseDecodeBench {

    /** Bytes per network read. */
    @Param({"8192"})
    public int piece;

    private byte[] body16;
    private byte[] body256;

    /** Builds the streams. */
    @Setup(Level.Trial)
    public void setup() {
        body16 = StubStream.body(16);
        body256 = StubStream.body(256);
    }

    /**
     * Decodes one 16-token stream.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(18)
    public long decode16() {
        return decode(body16);
    }

    /**
     * Decodes one 256-token stream.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(258)
    public long decode256() {
        return decode(body256);
    }

    /**
     * Decodes and interprets one 16-token stream.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(18)
    public long decodeAndInterpret16() {
        return decodeAndInterpret(body16, 16);
    }

    /**
     * Decodes and interprets one 256-token stream.
     *
     * @return a checksum
     */
    @Benchmark
    @OperationsPerInvocation(258)
    public long decodeAndInterpret256() {
        return decodeAndInterpret(body256, 256);
    }

    private long decode(byte[] body) {
        long[] seen = new long[1];
        SseDecoder d = new SseDecoder((type, data, off, len) -> seen[0] += len);
        feed(d, body);
        d.end();
        return seen[0] + d.eventCount();
    }

    private long decodeAndInterpret(byte[] body, int tokens) {
        ChunkInterpreter in = new ChunkInterpreter(false);
        long[] content = new long[1];
        SseDecoder d = new SseDecoder((type, data, off, len) -> {
            if (in.interpret(data, off, len) == ChunkInterpreter.Kind.CONTENT) {
                content[0]++;
            }
        });
        feed(d, body);
        d.end();
        if (content[0] != tokens) {
            throw new IllegalStateException("expected " + tokens + " content chunks, got " + content[0]);
        }
        return content[0] + in.completionTokens();
    }

    private void feed(SseDecoder d, byte[] body) {
        for (int at = 0; at < body.length; at += piece) {
            d.feed(body, at, Math.min(piece, body.length - at));
        }
    }
}
