package io.qmeter.cluster.load;

import io.qmeter.RunConfig;
import io.qmeter.RunResult;
import io.qmeter.client.Endpoint;
import io.qmeter.load.LoadShard;
import io.qmeter.metrics.ClientCheck;
import io.qmeter.metrics.ClientCheckThresholds;
import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.RunSummary;
import io.qmeter.metrics.ServerTimings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Known record sets, and the results one process and its shards would report for them. */
final class Shards {

    static final String START = "2026-01-01T10:00:00Z";
    static final double RATE = 50;

    private Shards() {
    }

    /** A seeded mix of successes (chunked, some with several tokens per chunk, some with server timings) and failures. */
    static List<RequestRecord> records(long seed, int n) {
        Random rnd = new Random(seed);
        List<RequestRecord> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += (long) (rnd.nextDouble() * 40_000_000L);
            long dispatch = t + (long) (rnd.nextDouble() * 3_000_000);
            long sent = dispatch + (rnd.nextInt(4) == 0 ? (long) (rnd.nextDouble() * 9_000_000) : 0);
            int roll = rnd.nextInt(12);
            if (roll == 0) {
                out.add(new RequestRecord(i, t, -1, -1, -1, null, null, 10, -1, 5, 0, false, null, Outcome.CANCELLED, 0,
                        "never sent", null, rnd.nextBoolean() ? dispatch : -1, false, null));
                continue;
            }
            int chunks = 1 + rnd.nextInt(12);
            long[] at = new long[chunks];
            int[] tokens = rnd.nextBoolean() ? null : new int[chunks];
            long c = sent + 1_000_000L + (long) (rnd.nextDouble() * 80_000_000L);
            int total = 0;
            for (int j = 0; j < chunks; j++) {
                at[j] = c;
                c += (long) (rnd.nextDouble() * 30_000_000L);
                if (tokens != null) {
                    tokens[j] = rnd.nextInt(4);
                    total += tokens[j];
                } else {
                    total++;
                }
            }
            Outcome o = roll == 1 ? Outcome.HTTP_ERROR : Outcome.OK;
            ServerTimings st = rnd.nextInt(3) == 0 ? new ServerTimings(10, rnd.nextDouble() * 50, total, 1.5, 0) : null;
            out.add(new RequestRecord(i, t, sent, at[0], at[chunks - 1], at, tokens, 10, 10, total, total, false,
                    "length", o, o == Outcome.OK ? 200 : 503, null, null, dispatch, false, st));
        }
        return out;
    }

    static RunConfig config(long requests, Map<String, String> extraArrivals) {
        Map<String, String> arrivals = new LinkedHashMap<>();
        arrivals.put("name", "poisson(" + RATE + "/s)");
        arrivals.put("ratePerSecond", Double.toString(RATE));
        arrivals.put("startAt", START);
        arrivals.putAll(extraArrivals);
        return new RunConfig("http://127.0.0.1:1", "m", Endpoint.COMPLETIONS, "LlmClient",
                Map.of("name", "synthetic(16/16)"), arrivals, RATE, -1, requests, 0, 0, 0, true, null, true,
                List.of(), ClientCheckThresholds.defaults(), 300_000_000_000L, null, Double.NaN, Map.of(),
                "engine default");
    }

    /** What a process that sent {@code records} (shard {@code shard}) of a schedule of {@code requests} reports. */
    static RunResult result(List<RequestRecord> records, MeasurementWindow w, LoadShard shard, long requests,
                            long scheduleEnd, LatencyStats loopDelay) {
        Map<String, String> extra = shard.isWhole() ? Map.of() : Map.of("shard", shard.toString());
        RunSummary s = RunSummary.of(records, w, true);
        ClientCheck c = ClientCheck.of(records, w, RATE / shard.count(), ClientCheckThresholds.defaults(), loopDelay);
        List<String> reasons = new ArrayList<>(c.reasons());
        return new RunResult(RunResult.SCHEMA_VERSION, 7, START, config(requests, extra), "request count reached ("
                + requests + ")", scheduleEnd, w, s, null, c, reasons.isEmpty(), reasons, null, records);
    }

    /** Shard {@code shard}'s part of the records. */
    static List<RequestRecord> part(List<RequestRecord> all, LoadShard shard) {
        return all.stream().filter(r -> shard.takes(r.index())).toList();
    }
}
