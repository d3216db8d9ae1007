package io.qmeter.testkit.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * Iteration-level continuous batching in the manner of vLLM's (V1) scheduler, shared by real and
 * virtual time. Package-private; one thread calls it.
 *
 * <p>Every request has {@code numTokens = prompt + generated} tokens and {@code computed} of them
 * have KV in the cache; an iteration computes up to {@code numTokens − computed} more for each
 * scheduled sequence (a prompt or a prompt chunk, or one token when decoding) and a sequence that
 * catches up samples one token. Each iteration: running sequences first (FCFS), each needing KV
 * blocks for its new tokens; when the free pool is empty the newest running sequence is preempted
 * (its blocks freed, recomputed later, vLLM's recompute mode); then, if nothing was preempted,
 * waiting sequences are admitted while the sequence cap, the token budget and the free blocks (minus
 * a 1 % watermark) allow. A prompt that does not fit the remaining budget is split (chunked
 * prefill) or waits (no chunking). With {@link KvPolicy#RESERVE_MAX_TOKENS} a request is admitted
 * only with blocks for its prompt plus all of its max tokens, reserved at once, so nothing is ever
 * preempted.
 */
final class IterationScheduler {

    /** Receives tokens as iterations complete. */
    interface Listener {
        /**
         * A sequence sampled a token.
         *
         * @param s        the sequence
         * @param nanos    when (the iteration's end)
         * @param finished whether this was its last token
         */
        void onToken(Seq s, long nanos, boolean finished);
    }

    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    private final int blockSize;
    private final boolean chunked;
    /** TensorRT-LLM-like: reserve prompt + max_tokens at admission, never preempt. */
    private final boolean reserve;
    private final int totalBlocks;
    private final int watermarkBlocks;
    private int freeBlocks;

    private final ArrayDeque<Seq> waiting = new ArrayDeque<>();
    private final ArrayList<Seq> running = new ArrayList<>();
    private Seq[] scheduled = new Seq[64];
    private int scheduledCount;
    private final IterationShape shape = new IterationShape();

    private long promptTokensTotal;
    private long generationTokensTotal;
    private long finishedTotal;
    private long preemptionsTotal;

    IterationScheduler(SimConfig c) {
        this.maxNumSeqs = c.maxNumSeqs();
        this.maxBatchedTokens = c.maxBatchedTokens();
        this.blockSize = c.blockSize();
        this.chunked = c.chunkedPrefill();
        this.reserve = c.kvPolicy() == KvPolicy.RESERVE_MAX_TOKENS;
        this.totalBlocks = c.memoryPlan().kvBlocks();
        this.watermarkBlocks = Math.max(1, totalBlocks / 100);
        this.freeBlocks = totalBlocks;
    }

    /**
     * Why a request can never be served, or null when it can.
     */
    String rejectReason(int promptTokens, int maxTokens, int contextLength) {
        long total = (long) promptTokens + maxTokens;
        if (total > contextLength) {
            return "prompt (" + promptTokens + " tokens) + max_tokens (" + maxTokens + ") = " + total
                    + " exceeds the model's context length " + contextLength + "; shorten the prompt or lower max_tokens";
        }
        if (blocksFor(total) > totalBlocks - watermarkBlocks) {
            return "prompt + max_tokens = " + total + " tokens needs " + blocksFor(total) + " KV blocks but the cache has only "
                    + (totalBlocks - watermarkBlocks) + " to give one request; lower max_tokens";
        }
        return null;
    }

    private int blocksFor(long tokens) {
        return (int) ((tokens + blockSize - 1) / blockSize);
    }

    /** Queues a sequence at the back of the waiting queue. */
    void addWaiting(Seq s) {
        waiting.addLast(s);
    }

    /**
     * Removes a cancelled sequence wherever it is and frees its blocks.
     */
    void remove(Seq s) {
        if (s.finished) {
            return;
        }
        if (!waiting.remove(s)) {
            running.remove(s);
        }
        freeBlocks += s.blocks;
        s.blocks = 0;
        s.finished = true;
    }

    /**
     * Plans the next iteration.
     *
     * @return true when something was scheduled (see {@link #shape()})
     */
    boolean plan() {
        shape.clear();
        scheduledCount = 0;
        int budget = maxBatchedTokens;
        boolean preempted = false;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Seq s = running.get(i);
            int n = Math.min(s.numTokens() - s.computed, budget);
            if (n <= 0) {
                continue;
            }
            int need = Math.max(0, blocksFor(s.computed + n) - s.blocks);
            boolean selfPreempted = false;
            while (need > freeBlocks) {
                Seq victim = running.remove(running.size() - 1);
                preempt(victim);
                preempted = true;
                if (victim == s) {
                    selfPreempted = true;
                    break;
                }
            }
            if (selfPreempted) {
                break;
            }
            freeBlocks -= need;
            s.blocks += need;
            schedule(s, n);
            budget -= n;
        }
        if (!preempted) {
            while (budget > 0 && running.size() < maxNumSeqs && !waiting.isEmpty()) {
                Seq s = waiting.peekFirst();
                int remaining = s.numTokens() - s.computed;
                if (!chunked && remaining > budget) {
                    break;
                }
                int n = Math.min(remaining, budget);
                int need = (reserve ? blocksFor((long) s.promptTokens + s.maxTokens) : blocksFor(s.computed + n)) - s.blocks;
                if (freeBlocks - need < (reserve ? 0 : watermarkBlocks)) {
                    break;
                }
                waiting.pollFirst();
                freeBlocks -= need;
                s.blocks += need;
                running.add(s);
                schedule(s, n);
                budget -= n;
            }
        }
        return scheduledCount > 0;
    }

    private void preempt(Seq v) {
        freeBlocks += v.blocks;
        v.blocks = 0;
        v.computed = 0;
        v.preemptions++;
        preemptionsTotal++;
        waiting.addFirst(v);
    }

    private void schedule(Seq s, int n) {
        if (scheduledCount == scheduled.length) {
            scheduled = java.util.Arrays.copyOf(scheduled, scheduledCount * 2);
        }
        scheduled[scheduledCount++] = s;
        s.scheduledTokens = n;
        shape.tokens += n;
        shape.seqs++;
        if (s.computed + n == s.numTokens()) {
            shape.logits++;
        }
        if (n == 1) {
            shape.decodeSeqs++;
            shape.decodeKvTokens += s.computed + 1;
        } else {
            shape.prefillPairs += n * (s.computed + (n + 1) / 2.0);
            shape.prefillKvTokens += s.computed + n;
        }
    }

    /** The shape of the planned iteration. */
    IterationShape shape() {
        return shape;
    }

    /**
     * Applies the planned iteration: sequences advance, sample tokens, finish and free their blocks.
     *
     * @param endNanos when the iteration ended
     * @param listener told of every token
     */
    void complete(long endNanos, Listener listener) {
        boolean anyFinished = false;
        for (int k = 0; k < scheduledCount; k++) {
            Seq s = scheduled[k];
            scheduled[k] = null;
            if (s.cancelled || s.finished) {
                continue;
            }
            s.computed += s.scheduledTokens;
            if (s.computed == s.numTokens()) {
                s.generated++;
                generationTokensTotal++;
                if (s.firstTokenNanos < 0) {
                    s.firstTokenNanos = endNanos;
                    promptTokensTotal += s.promptTokens;
                }
                s.lastTokenNanos = endNanos;
                boolean done = s.generated >= s.targetTokens;
                if (done) {
                    s.finished = true;
                    freeBlocks += s.blocks;
                    s.blocks = 0;
                    finishedTotal++;
                    anyFinished = true;
                }
                listener.onToken(s, endNanos, done);
            }
        }
        scheduledCount = 0;
        if (anyFinished) {
            running.removeIf(x -> x.finished);
        }
    }

    /** Drops every sequence (shutdown); returns them. */
    ArrayList<Seq> drainAll() {
        ArrayList<Seq> all = new ArrayList<>(running);
        all.addAll(waiting);
        for (Iterator<Seq> it = all.iterator(); it.hasNext(); ) {
            Seq s = it.next();
            freeBlocks += s.blocks;
            s.blocks = 0;
            s.finished = true;
        }
        running.clear();
        waiting.clear();
        return all;
    }

    int runningCount() {
        return running.size();
    }

    int waitingCount() {
        return waiting.size();
    }

    boolean idle() {
        return running.isEmpty() && waiting.isEmpty();
    }

    int totalBlocks() {
        return totalBlocks;
    }

    double kvUsage() {
        return totalBlocks == 0 ? 0 : (totalBlocks - freeBlocks) / (double) totalBlocks;
    }

    long promptTokensTotal() {
        return promptTokensTotal;
    }

    long generationTokensTotal() {
        return generationTokensTotal;
    }

    long finishedTotal() {
        return finishedTotal;
    }

    long preemptionsTotal() {
        return preemptionsTotal;
    }
}
