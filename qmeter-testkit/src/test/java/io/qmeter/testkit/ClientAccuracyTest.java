package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The qMeter {@link LlmClient} against {@link ScriptedEngine} with known TTFT and gaps: the
 * measured TTFT, TPOT and ITL must match the script. Prints the p50 / p99 / max absolute error.
 * The script's times count from the request body's arrival at the server, which the test reads
 * from the recorded request (same JVM, same clock), so "TTFT vs arrival" is the client's own error.
 * Medians are asserted (2 ms for TPOT and ITL); the tail is printed and only bounded loosely,
 * because a loaded 2-core build box delays threads by tens of milliseconds at times.
 */
class ClientAccuracyTest {

    private static final int TOKENS = 24;

    /** Absolute errors in ms. */
    private static final class Errors {
        final String name;
        final List<Double> ms = new ArrayList<>();

        Errors(String name) {
            this.name = name;
        }

        void add(double nanosMeasured, double nanosExpected) {
            ms.add(Math.abs(nanosMeasured - nanosExpected) / 1e6);
        }

        double q(double p) {
            double[] a = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return a[Math.min(a.length - 1, (int) Math.ceil(p * a.length) - 1)];
        }

        String line() {
            return String.format(Locale.ROOT, "%-19s |error| p50 %.3f ms, p99 %.3f ms, max %.3f ms (n=%d)", name, q(0.5),
                    q(0.99), q(1.0), ms.size());
        }
    }

    private static Script script(SplittableRandom rng) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 0; i < TOKENS - 1; i++) {
            gaps.add(Duration.ofMillis(2 + rng.nextInt(19)));        // 2..20 ms
        }
        return Script.builder().ttft(Duration.ofMillis(20 + rng.nextInt(61))).gaps(gaps).tokens(TOKENS).build();
    }

    private static void check(RequestRecord r, RecordedRequest rec, Script s, Errors[] e) {
        Errors ttftSched = e[0];
        Errors ttft = e[1];
        Errors tpot = e[2];
        Errors itl = e[3];
        assertThat(r.isOk()).as("record %s", r).isTrue();
        assertThat(r.outputTokensServed()).isEqualTo(TOKENS);
        assertThat(r.chunkNanos()).hasSize(TOKENS);
        ttftSched.add(r.ttftNanos(), s.ttft().toNanos());
        // the script counts from the body's arrival at the server (same JVM, same clock): the true
        // first-token time is arrival + ttft; the client's error is what it adds on top
        ttft.add(r.firstTokenNanos() - rec.arrivalNanos(), s.ttft().toNanos());
        long total = 0;
        for (int i = 0; i < TOKENS - 1; i++) {
            long gap = s.gapAfter(i).toNanos();
            total += gap;
            itl.add(r.chunkNanos()[i + 1] - r.chunkNanos()[i], gap);
        }
        tpot.add(r.tpotNanos(), (double) total / (TOKENS - 1));
    }

    @Test
    void measuredTtftTpotAndItlMatchTheScript() throws Exception {
        SplittableRandom rng = new SplittableRandom(2026);
        Errors[] seq = {new Errors("TTFT from scheduled"), new Errors("TTFT vs arrival"), new Errors("TPOT"),
            new Errors("ITL")};
        Errors[] conc = {new Errors("TTFT from scheduled"), new Errors("TTFT vs arrival"), new Errors("TPOT"),
            new Errors("ITL")};
        List<Script> concurrent = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ScriptedEngine server = ScriptedEngine.builder().dispatcher(r -> r.json().containsKey("script_id")
                ? concurrent.get(((Number) r.json().get("script_id")).intValue()) : null).build();
             EngineHandle h = server.start();
             LlmClient client = LlmClient.create(h.baseUrl())) {
            CompletionRequest req = CompletionRequest.of(Endpoint.COMPLETIONS, "m",
                    PromptSpec.ofText("Hello there", 3, TOKENS)).withIgnoreEos(true);
            for (int i = 0; i < 5; i++) { // warm-up: JIT
                server.enqueue(script(rng));
                client.send(req, -1, System.nanoTime()).get();
            }
            List<CompletableFuture<RequestRecord>> warm = new ArrayList<>();
            for (int i = 0; i < 64; i++) { // warm-up: open the 64 pooled connections the concurrent part reuses
                warm.add(client.send(req.withPrompt(PromptSpec.ofText("w", 1, 2)), -1, System.nanoTime()));
            }
            for (CompletableFuture<RequestRecord> f : warm) {
                f.get();
            }
            while (server.takeRequest(Duration.ofMillis(1)).isPresent()) {
                // drop the warm-up requests
            }
            // sequential requests
            for (int i = 0; i < 20; i++) {
                Script s = script(rng);
                server.enqueue(s);
                RequestRecord r = client.send(req, i, System.nanoTime()).get();
                check(r, server.takeRequest(Duration.ofSeconds(1)).orElseThrow(), s, seq);
            }
            // 64 concurrent streams, each with its own script, chosen by the dispatcher from the body
            List<CompletableFuture<RequestRecord>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                concurrent.add(script(rng));
                futures.add(client.send(req.withExtraBody(Map.of("script_id", i)), 100 + i, System.nanoTime()));
            }
            Map<Integer, RecordedRequest> recs = new java.util.HashMap<>();
            for (int i = 0; i < 64; i++) {
                RecordedRequest rec = server.takeRequest(Duration.ofSeconds(5)).orElseThrow();
                recs.put(((Number) rec.json().get("script_id")).intValue(), rec);
            }
            for (int i = 0; i < 64; i++) {
                check(futures.get(i).get(), recs.get(i), concurrent.get(i), conc);
            }
        }
        System.out.println("ClientAccuracyTest (LlmClient vs ScriptedEngine, " + TOKENS + " tokens per request):");
        System.out.println("  20 sequential requests:");
        for (Errors e : seq) {
            System.out.println("    " + e.line());
        }
        System.out.println("  64 concurrent streams:");
        for (Errors e : conc) {
            System.out.println("    " + e.line());
        }
        // Measured on a quiet 16-core machine: TTFT vs arrival p50 0.24 ms, TPOT p50 0.004 ms, ITL p50
        // 0.04 ms, sequential and concurrent together. On the shared 2-core build box at load 10-15
        // the 64 concurrent streams' medians reach 6-13 ms (threads wait for a core), so the 2 ms
        // bound is asserted on the sequential requests; the concurrent figures are printed.
        assertThat(seq[1].q(0.5)).as(seq[1].line()).isLessThan(2.0);
        assertThat(seq[2].q(0.5)).as(seq[2].line()).isLessThan(2.0);
        assertThat(seq[3].q(0.5)).as(seq[3].line()).isLessThan(2.0);
        // no drift or systematic offset: TPOT is a mean over 23 gaps, robust to single stalls
        assertThat(conc[2].q(0.5)).as(conc[2].line()).isLessThan(10.0);
    }
}
