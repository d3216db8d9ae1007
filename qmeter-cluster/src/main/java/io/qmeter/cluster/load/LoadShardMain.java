package io.qmeter.cluster.load;

import io.qmeter.LoadRun;
import io.qmeter.RunResult;
import io.qmeter.client.LlmClient;
import io.qmeter.load.LoadShard;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One load process of a {@linkplain ShardedLoad sharded load}: sends its shard of the seeded
 * schedule from the common start instant and writes its {@linkplain ShardLog interval log}.
 *
 * <pre>{@code
 * java -cp CLASSPATH io.qmeter.cluster.load.LoadShardMain --url http://10.0.0.5:8000 --model m \
 *     --rate 3000 --arrivals 180000 --seed 7 --shard 2/4 --start 2026-01-01T10:00:00Z --out shard-2.hlog
 * }</pre>
 *
 * <p>Options: {@code --url}, {@code --model}, {@code --rate} (the whole load's, per second),
 * {@code --arrivals} (the whole schedule's length), {@code --shard i/n}, {@code --start} and
 * {@code --out} are required; {@code --process poisson|constant|gamma:CV} (poisson),
 * {@code --seed} (1), {@code --input-tokens} and {@code --output-tokens} (128), {@code --warmup} and
 * {@code --cooldown} (0s), {@code --interval} (1s), {@code --max-lag-p99} (5ms),
 * {@code --min-rate-fraction} (0.95) and {@code --json FILE} (the shard's full result with its
 * records) are optional. Durations are written {@code 500ms}, {@code 2s}, {@code 1m} or ISO-8601
 * ({@code PT2S}). {@code --start} is an ISO-8601 instant given to every shard,
 * {@code now+DURATION}, or {@code stdin}: the process then prints {@code qmeter-shard ready i/n}
 * once it is ready to send and reads the instant from its first input line ({@link LocalLauncher}
 * starts processes that way).
 *
 * <p>Exit status: 0 when the log was written (valid or not: the merge judges), 2 for bad arguments,
 * 3 when the run could not be done (the start instant had passed, the log could not be written).
 */
public final class LoadShardMain {

    private static final Set<String> OPTIONS = Set.of("--url", "--model", "--rate", "--arrivals", "--shard", "--start",
            "--out", "--process", "--seed", "--input-tokens", "--output-tokens", "--warmup", "--cooldown",
            "--interval", "--max-lag-p99", "--min-rate-fraction", "--json");

    private LoadShardMain() {
    }

    /**
     * Runs one shard; exits with a non-zero status on failure.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        System.exit(status);
    }

    /**
     * What {@link #main} does, without exiting.
     *
     * @param args the options
     * @param in   where {@code --start stdin} reads the instant
     * @param out  progress lines ({@code qmeter-shard ready}, {@code qmeter-shard done})
     * @param err  errors
     * @return the exit status: 0 done, 2 bad arguments, 3 the run failed
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Map<String, String> o;
        ShardedLoad load;
        LoadShard shard;
        Path log;
        Duration interval;
        String start;
        try {
            o = options(args);
            shard = LoadShard.parse(required(o, "--shard"));
            interval = duration("--interval", o.getOrDefault("--interval", "1s"));
            load = new ShardedLoad(URI.create(required(o, "--url")), required(o, "--model"),
                    o.getOrDefault("--process", "poisson"), number("--rate", required(o, "--rate")),
                    integer("--arrivals", required(o, "--arrivals")),
                    integer("--seed", o.getOrDefault("--seed", "1")),
                    (int) integer("--input-tokens", o.getOrDefault("--input-tokens", "128")),
                    (int) integer("--output-tokens", o.getOrDefault("--output-tokens", "128")),
                    duration("--warmup", o.getOrDefault("--warmup", "0s")),
                    duration("--cooldown", o.getOrDefault("--cooldown", "0s")), shard.count(), interval,
                    duration("--max-lag-p99", o.getOrDefault("--max-lag-p99", "5ms")),
                    number("--min-rate-fraction", o.getOrDefault("--min-rate-fraction", "0.95")));
            log = Path.of(required(o, "--out"));
            start = required(o, "--start");
            if (!start.equals("stdin")) {
                startInstant(start); // fail now on a bad spelling
            }
        } catch (IllegalArgumentException e) {
            err.println("LoadShardMain: " + e.getMessage());
            err.println("usage: LoadShardMain --url URL --model M --rate R --arrivals N --shard i/n "
                    + "--start ISO-INSTANT|now+DURATION|stdin --out FILE [--process poisson|constant|gamma:CV] "
                    + "[--seed S] [--input-tokens N] [--output-tokens N] [--warmup D] [--cooldown D] [--interval D] "
                    + "[--max-lag-p99 D] [--min-rate-fraction F] [--json FILE]");
            return 2;
        }

        // the client is made and connected before the start instant, so the run pays nothing for it
        try (LlmClient client = LlmClient.create(load.baseUrl())) {
            LoadRun whole = load.builder().sender(client).build();
            int expected = (int) Math.max(1, Math.min(64, Math.ceil(load.ratePerSecond() / shard.count() * 0.05)));
            client.prepare(whole.plan().template().withPrompt(whole.plan().workload().prompts(load.seed()).next()),
                    expected);
            Instant at;
            if (start.equals("stdin")) {
                out.println("qmeter-shard ready " + shard);
                out.flush();
                String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    err.println("LoadShardMain: standard input ended before the start instant was given");
                    return 3;
                }
                at = startInstant(line.trim());
            } else {
                at = startInstant(start);
            }
            RunResult r = whole.withShard(shard).withStartAt(at).run();
            ShardLog.of(r, interval).write(log);
            if (o.containsKey("--json")) {
                r.writeJson(Path.of(o.get("--json")));
            }
            out.printf(Locale.ROOT, "qmeter-shard done %s: %d requests (%d measured, %d ok), sent %.2f/s of %.2f/s "
                            + "scheduled, lag p99 %.3f ms -- %s; log %s%n", shard, r.summary().totalRequests(),
                    r.summary().measuredRequests(), r.summary().okRequests(),
                    r.clientCheck().achievedRatePerSecond(), r.clientCheck().scheduledRatePerSecond(),
                    r.clientCheck().scheduleLag().p99Millis(),
                    r.valid() ? "valid" : "INVALID: " + String.join("; ", r.invalidReasons()), log);
            out.flush();
            return 0;
        } catch (RuntimeException | java.io.IOException e) {
            err.println("LoadShardMain: shard " + shard + " failed: " + e.getMessage());
            return 3;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String k = args[i];
            if (!OPTIONS.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(k + " needs a value");
            }
            if (o.put(k, args[++i]) != null) {
                throw new IllegalArgumentException(k + " was given twice");
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String k) {
        String v = o.get(k);
        if (v == null) {
            throw new IllegalArgumentException(k + " is required");
        }
        return v;
    }

    private static double number(String k, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be a number, was '" + v + "'", e);
        }
    }

    private static long integer(String k, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be a whole number, was '" + v + "'", e);
        }
    }

    /**
     * Parses {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 250us} or ISO-8601 ({@code PT2S}).
     *
     * @param k the option (for the message)
     * @param v the text
     * @return the duration
     */
    static Duration duration(String k, String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(v.trim());
            }
            if (t.endsWith("ms")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e6));
            }
            if (t.endsWith("us")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 2)) * 1e3));
            }
            if (t.endsWith("s")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9));
            }
            if (t.endsWith("m")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60e9));
            }
            if (t.endsWith("h")) {
                return Duration.ofNanos(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 3600e9));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(k + " must be a duration such as 500ms, 2s, 1m or PT2S, was '" + v + "'",
                    e);
        }
        throw new IllegalArgumentException(k + " must be a duration such as 500ms, 2s, 1m or PT2S, was '" + v + "'");
    }

    /**
     * Parses an ISO-8601 instant or {@code now+DURATION}.
     *
     * @param v the text
     * @return the instant
     */
    static Instant startInstant(String v) {
        if (v.startsWith("now+")) {
            return Instant.now().plus(duration("--start", v.substring(4)));
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--start must be an ISO-8601 instant such as 2026-01-01T10:00:00Z, "
                    + "now+DURATION or stdin, was '" + v + "'", e);
        }
    }
}
