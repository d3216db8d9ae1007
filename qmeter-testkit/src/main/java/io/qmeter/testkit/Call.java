package io.qmeter.testkit;

import io.netty.channel.EventLoop;
import java.util.List;

/**
 * One completion request as the test servers see it, after parsing. Package-private plumbing;
 * the generator may fill in the script fields in {@code prepare}.
 */
final class Call {
    final long index;
    final long arrivalNanos;
    final boolean chat;
    final boolean stream;
    final boolean includeUsage;
    final boolean continuousUsage;
    final int maxTokens;
    final boolean ignoreEos;
    final int promptTokens;
    final List<String> stop;
    final long seed;
    final String model;
    final String id;
    final long createdSeconds;
    final EventLoop loop;

    /** The request as recorded (body, headers), or null when the server records nothing. */
    RecordedRequest recorded;
    /** Set by a generator: the script for this request (ScriptedEngine). */
    Script script;
    /** Set by a generator: how many tokens will come, when known, else -1. */
    int expectedTokens = -1;
    /** Simulator-only hints of a quality benchmark ({@code qmeter_task}, {@code qmeter_item}, {@code qmeter_reference}), or null. */
    String qualityTask;
    String qualityItem;
    String qualityReference;
    /** Set by a generator: the answer's text, one entry per token, replacing the synthetic words; or null. */
    List<String> answerTokens;

    Call(long index, long arrivalNanos, boolean chat, boolean stream, boolean includeUsage, boolean continuousUsage,
         int maxTokens, boolean ignoreEos, int promptTokens, List<String> stop, long seed, String model, String id,
         long createdSeconds, EventLoop loop) {
        this.index = index;
        this.arrivalNanos = arrivalNanos;
        this.chat = chat;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.continuousUsage = continuousUsage;
        this.maxTokens = maxTokens;
        this.ignoreEos = ignoreEos;
        this.promptTokens = promptTokens;
        this.stop = stop;
        this.seed = seed;
        this.model = model;
        this.id = id;
        this.createdSeconds = createdSeconds;
        this.loop = loop;
    }
}
