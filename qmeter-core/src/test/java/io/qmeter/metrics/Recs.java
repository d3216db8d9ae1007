package io.qmeter.metrics;

/** Hand-built records for the metric tests; times in milliseconds, converted to nanoseconds. */
final class Recs {

    private Recs() {
    }

    static long ms(double v) {
        return Math.round(v * 1_000_000);
    }

    /** A successful record whose content chunks arrived at {@code chunksMs}, one token per chunk. */
    static RequestRecord ok(long index, double schedMs, double sentMs, double... chunksMs) {
        return ok(index, schedMs, sentMs, null, chunksMs.length, chunksMs);
    }

    static RequestRecord ok(long index, double schedMs, double sentMs, int[] chunkTokens, int outputTokens,
                            double... chunksMs) {
        long[] chunks = new long[chunksMs.length];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = ms(chunksMs[i]);
        }
        return new RequestRecord(index, ms(schedMs), ms(sentMs), chunks[0], chunks[chunks.length - 1], chunks,
                chunkTokens, 10, 10, outputTokens, outputTokens, false, "length", Outcome.OK, 200, null, null);
    }

    static RequestRecord failed(long index, double schedMs, double sentMs, Outcome outcome, double... chunksMs) {
        long[] chunks = new long[chunksMs.length];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = ms(chunksMs[i]);
        }
        long first = chunks.length > 0 ? chunks[0] : -1;
        long last = chunks.length > 0 ? chunks[chunks.length - 1] : -1;
        return new RequestRecord(index, ms(schedMs), sentMs < 0 ? -1 : ms(sentMs), first, last, chunks, null, 10,
                -1, 5, chunks.length, true, null, outcome, outcome == Outcome.HTTP_ERROR ? 503 : 200, "boom", null);
    }
}
