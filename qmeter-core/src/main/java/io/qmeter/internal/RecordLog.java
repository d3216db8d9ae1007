package io.qmeter.internal;

import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.ServerTimings;
import java.util.ArrayList;
import java.util.List;

/**
 * The completed requests of a {@link io.qmeter.internal.load.LoadRunner} run, kept field by field in large primitive arrays
 * until the run ends, then turned back into {@link RequestRecord}s.
 *
 * <p>Why: a run keeps every record, and while it runs each record (an object and its array of chunk
 * times, about 300 bytes for a 16-token stream) survives young collections. G1 copies each survivor
 * once or twice; at 15,000 requests a second that was 20–70 ms pauses every 2–3 s, about 2 % of the
 * time, and every request due during a pause is sent late. Here the record the client made dies
 * young (nothing to copy), and what is kept sits in a few large arrays (copied rarely, as whole
 * arrays, or never when G1 allocates them as humongous). Records whose text, error, finish reason or
 * per-chunk token counts are objects keep those references (a run that keeps text pays for its text).
 *
 * <p>Thread-safe: completions arrive on the client's event loops and the dispatcher. Not public API
 * (public for the load runner and qmeter-bench's RecordBench).
 */
public final class RecordLog {

    private static final int FIRST_BLOCK = 1 << 10;
    private static final int MAX_BLOCK = 1 << 16;
    private static final int ARENA_BLOCK = 1 << 17;
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final int COUNTED_FROM_CHUNKS = 1 << 8;
    private static final int RETRIED = 1 << 9;

    /** One block of records, field by field. */
    private static final class Block {
        final int capacity;
        final long[] index;
        final long[] scheduled;
        final long[] sent;
        final long[] first;
        final long[] last;
        final long[] dispatch;
        final int[] inputRequested;
        final int[] inputServed;
        final int[] outputRequested;
        final int[] outputServed;
        final int[] httpStatus;
        /** Outcome ordinal in the low byte, {@link #COUNTED_FROM_CHUNKS}. */
        final int[] flags;
        /** Where the chunk times are: arena block, offset in it, count. */
        final int[] chunkArena;
        final int[] chunkOffset;
        final int[] chunkCount;
        final Object[] finishReason;
        final Object[] error;
        final Object[] text;
        final Object[] chunkTokens;
        final Object[] serverTimings;
        int size;

        Block(int capacity) {
            this.capacity = capacity;
            index = new long[capacity];
            scheduled = new long[capacity];
            sent = new long[capacity];
            first = new long[capacity];
            last = new long[capacity];
            dispatch = new long[capacity];
            inputRequested = new int[capacity];
            inputServed = new int[capacity];
            outputRequested = new int[capacity];
            outputServed = new int[capacity];
            httpStatus = new int[capacity];
            flags = new int[capacity];
            chunkArena = new int[capacity];
            chunkOffset = new int[capacity];
            chunkCount = new int[capacity];
            finishReason = new Object[capacity];
            error = new Object[capacity];
            text = new Object[capacity];
            chunkTokens = new Object[capacity];
            serverTimings = new Object[capacity];
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private final List<long[]> arena = new ArrayList<>();
    private long[] arenaTop;
    private int arenaUsed;
    private int size;

    /**
     * Keeps one completed request.
     *
     * @param r             the record the sender made
     * @param dispatchNanos the dispatch time to keep (the record's own, or the dispatcher's)
     */
    public synchronized void add(RequestRecord r, long dispatchNanos) {
        Block b = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
        if (b == null || b.size == b.capacity) {
            b = new Block(b == null ? FIRST_BLOCK : Math.min(MAX_BLOCK, 2 * b.capacity));
            blocks.add(b);
        }
        int i = b.size++;
        size++;
        b.index[i] = r.index();
        b.scheduled[i] = r.scheduledNanos();
        b.sent[i] = r.sentNanos();
        b.first[i] = r.firstTokenNanos();
        b.last[i] = r.lastTokenNanos();
        b.dispatch[i] = dispatchNanos;
        b.inputRequested[i] = r.inputTokensRequested();
        b.inputServed[i] = r.inputTokensServed();
        b.outputRequested[i] = r.outputTokensRequested();
        b.outputServed[i] = r.outputTokensServed();
        b.httpStatus[i] = r.httpStatus();
        b.flags[i] = r.outcome().ordinal() | (r.outputCountedFromChunks() ? COUNTED_FROM_CHUNKS : 0)
                | (r.retried() ? RETRIED : 0);
        b.finishReason[i] = r.finishReason();
        b.error[i] = r.error();
        b.text[i] = r.text();
        b.chunkTokens[i] = r.chunkTokens();
        b.serverTimings[i] = r.serverTimings();
        long[] chunks = r.chunkNanos();
        int n = chunks.length;
        if (arenaTop == null || arenaTop.length - arenaUsed < n) {
            arenaTop = new long[Math.max(ARENA_BLOCK, n)];
            arenaUsed = 0;
            arena.add(arenaTop);
        }
        System.arraycopy(chunks, 0, arenaTop, arenaUsed, n);
        b.chunkArena[i] = arena.size() - 1;
        b.chunkOffset[i] = arenaUsed;
        b.chunkCount[i] = n;
        arenaUsed += n;
    }

    /**
     * Requests kept so far.
     *
     * @return the count
     */
    public synchronized int size() {
        return size;
    }

    /**
     * The kept requests as records, in the order they were added, with every time shifted so that
     * {@code originNanos} becomes 0 (as {@link RequestRecord#relativeTo}; -1 stays -1).
     *
     * @param originNanos the run's origin
     * @return new records
     */
    public synchronized List<RequestRecord> toRecords(long originNanos) {
        List<RequestRecord> out = new ArrayList<>(size);
        for (Block b : blocks) {
            for (int i = 0; i < b.size; i++) {
                long[] chunks = java.util.Arrays.copyOfRange(arena.get(b.chunkArena[i]), b.chunkOffset[i],
                        b.chunkOffset[i] + b.chunkCount[i]);
                out.add(new RequestRecord(b.index[i], b.scheduled[i], b.sent[i], b.first[i], b.last[i], chunks,
                        (int[]) b.chunkTokens[i], b.inputRequested[i], b.inputServed[i], b.outputRequested[i],
                        b.outputServed[i], (b.flags[i] & COUNTED_FROM_CHUNKS) != 0, (String) b.finishReason[i],
                        OUTCOMES[b.flags[i] & 0xFF], b.httpStatus[i], (String) b.error[i], (String) b.text[i],
                        b.dispatch[i], (b.flags[i] & RETRIED) != 0, (ServerTimings) b.serverTimings[i])
                        .relativeTo(originNanos));
            }
        }
        return out;
    }
}
