package io.qmeter.load;

import java.util.Map;
import java.util.PrimitiveIterator;

/**
 * A closed loop: {@code streams} requests kept in flight, each sent as soon as the previous one of
 * its stream ended (vLLM's {@code --max-concurrency} with an infinite rate, GuideLLM's concurrent
 * profile). It has no schedule: the load runner sends on completions, records each request's
 * scheduled time as the moment it sent it (so TTFT is measured from the send, and there is no
 * queue delay or schedule lag to speak of), and its self-check judges only what a closed loop can
 * get wrong (the event loops reading late). The offered load is whatever the server sustains at
 * this concurrency, so it is not an open-loop rate and a saturation search cannot use it.
 *
 * <pre>{@code
 * RunResult r = QMeter.load(url).model("m").workload(synthetic(512, 128)).closedLoop(16)
 *         .duration(Duration.ofSeconds(60)).build().run();   // "closed loop, 16 streams"
 * }</pre>
 *
 * @param streams requests in flight at once, &gt; 0
 */
public record ClosedLoop(int streams) implements ArrivalProcess {

    /** Validates the stream count. */
    public ClosedLoop {
        if (streams < 1) {
            throw new IllegalArgumentException("closedLoop streams must be > 0, was " + streams);
        }
    }

    @Override
    public String name() {
        return "closed loop, " + streams + (streams == 1 ? " stream" : " streams");
    }

    /**
     * Not a rate: a closed loop offers what the server sustains.
     *
     * @return NaN
     */
    @Override
    public double ratePerSecond() {
        return Double.NaN;
    }

    /**
     * A closed loop has no schedule.
     *
     * @param seed ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public PrimitiveIterator.OfLong offsetsNanos(long seed) {
        throw new UnsupportedOperationException("a closed loop has no schedule: the load runner sends each "
                + "request when a stream frees up");
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("name", name(), "process", "closed-loop", "streams", streams);
    }
}
