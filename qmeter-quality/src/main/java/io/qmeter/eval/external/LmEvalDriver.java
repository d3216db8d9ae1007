package io.qmeter.eval.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.Completions;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityScore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs EleutherAI's lm-evaluation-harness ({@code lm_eval}) as a process against a running engine
 * and parses its results file into {@link QualityScore}s, one per task (or group) it reports.
 *
 * <p>The command, for completions (the default) or chat ({@link Builder#chat(boolean)}):
 * <pre>
 * lm_eval --model local-completions
 *         --model_args model=&lt;served model&gt;,base_url=&lt;engine&gt;/v1/completions,num_concurrent=4,max_retries=3,tokenized_requests=False
 *         --tasks gsm8k --output_path &lt;dir&gt; --seed 1234 [--limit N] [--num_fewshot K] [extra args]
 * lm_eval --model local-chat-completions --model_args ...,base_url=&lt;engine&gt;/v1/chat/completions,... --apply_chat_template ...
 * </pre>
 * Its output goes to {@code <dir>/lm_eval.log}. The newest {@code results_*.json} (or
 * {@code results.json}) under the output folder written by this run is read: {@code "results"} maps
 * each task to {@code "<metric>,<filter>"} values (0–1) and {@code "<metric>_stderr,<filter>"}
 * standard errors, {@code "n-samples"} gives each task's evaluated item count. Each score's
 * primary metric is the one asked for ({@link Builder#metric}) or the task's first; values become
 * 0–100; the interval is the normal approximation ±1.96 standard errors (lm-eval reports no
 * bootstrap); per-item results are not parsed (the score has no items).
 *
 * <pre>{@code
 * LmEvalDriver d = LmEvalDriver.builder(Path.of("out/lm-eval")).tasks("gsm8k").limit(200).numConcurrent(8).build();
 * List<String> cmd = d.command(handle);          // to inspect or run elsewhere
 * List<QualityScore> scores = d.run(handle);      // runs it and parses its results
 * }</pre>
 */
public final class LmEvalDriver {

    /** The executable looked up on the PATH by default. */
    public static final String DEFAULT_EXECUTABLE = "lm_eval";

    private static final Logger LOG = LoggerFactory.getLogger(LmEvalDriver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Builder b;

    private LmEvalDriver(Builder b) {
        this.b = b;
    }

    /**
     * A builder writing into {@code outputDir}: executable {@code lm_eval}, completions, 4 requests in
     * flight, seed 1234, all items, the tasks' own few-shot counts, a 2-hour limit.
     *
     * @param outputDir lm-eval's {@code --output_path} (created)
     * @return the builder
     */
    public static Builder builder(Path outputDir) {
        return new Builder(Objects.requireNonNull(outputDir, "outputDir"));
    }

    /**
     * The command for a running engine.
     *
     * @param engine the engine
     * @return the command line, executable first
     */
    public List<String> command(EngineHandle engine) {
        String base = engine.baseUrl().toString().replaceAll("/+$", "");
        List<String> c = new ArrayList<>();
        c.add(b.executable);
        c.add("--model");
        c.add(b.chat ? "local-chat-completions" : "local-completions");
        c.add("--model_args");
        c.add("model=" + engine.model() + ",base_url=" + base + (b.chat ? "/v1/chat/completions" : "/v1/completions")
                + ",num_concurrent=" + b.numConcurrent + ",max_retries=3,tokenized_requests=False");
        c.add("--tasks");
        c.add(String.join(",", b.tasks));
        c.add("--output_path");
        c.add(b.outputDir.toAbsolutePath().toString());
        c.add("--seed");
        c.add(Long.toString(b.seed));
        if (b.limit > 0) {
            c.add("--limit");
            c.add(Integer.toString(b.limit));
        }
        if (b.numFewShot >= 0) {
            c.add("--num_fewshot");
            c.add(Integer.toString(b.numFewShot));
        }
        if (b.chat) {
            c.add("--apply_chat_template");
        }
        c.addAll(b.extraArgs);
        return List.copyOf(c);
    }

    /**
     * Runs lm-eval against the engine, waits for it and parses its results.
     *
     * @param engine the running engine
     * @return one score per task or group in the results file, in its order
     * @throws QualityException when lm-eval is not installed, fails, runs past the time limit or
     *                          writes no results file; the message says which and shows its log's tail
     */
    public List<QualityScore> run(EngineHandle engine) {
        List<String> cmd = command(engine);
        Path log = b.outputDir.resolve("lm_eval.log");
        FileTime started;
        try {
            Files.createDirectories(b.outputDir);
            started = FileTime.fromMillis(System.currentTimeMillis() - 1000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create lm-eval's output folder " + b.outputDir + ": "
                    + e.getMessage(), e);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(b.environment);
        LOG.info("running {}", String.join(" ", cmd));
        ExternalProcess.run("lm-eval", pb, log, b.timeout, "Install it with: pip install \"lm-eval[api]\" "
                + "(lm-evaluation-harness 0.4 or later), or pass its path with LmEvalDriver.Builder.executable(...)",
                "LmEvalDriver.Builder.timeout(...) or lower limit(...)");
        Path results = newestResults(b.outputDir, started);
        if (results == null) {
            throw new QualityException("lm-eval finished but wrote no results_*.json under " + b.outputDir
                    + " (expected <output_path>/<model>/results_<time>.json). Its log's tail:\n"
                    + ExternalProcess.tail(log));
        }
        return parse(results, b.metric, b.seed, Completions.simulated(engine));
    }

    /**
     * Parses an lm-eval results file ({@code results_<time>.json}, lm-eval 0.4's layout).
     *
     * @param resultsFile the file
     * @param metric      the primary metric's key ({@code "exact_match,strict-match"}), or {@code null}
     *                    for each task's first metric
     * @param seed        the seed to record
     * @param simulated   whether the engine was simulated
     * @return one score per task or group, in the file's order
     * @throws QualityException when the file is not an lm-eval results file, saying what is missing
     */
    public static List<QualityScore> parse(Path resultsFile, String metric, long seed, boolean simulated) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(resultsFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new QualityException("cannot read lm-eval's results " + resultsFile + ": " + e.getMessage(), e);
        }
        JsonNode results = root == null ? null : root.get("results");
        if (results == null || !results.isObject() || results.isEmpty()) {
            throw new QualityException("expected an lm-eval results file with a non-empty \"results\" object in "
                    + resultsFile + ", found " + (results == null ? "none" : results.getNodeType()));
        }
        List<QualityScore> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> tasks = results.fields();
        while (tasks.hasNext()) {
            Map.Entry<String, JsonNode> t = tasks.next();
            String task = t.getKey();
            Map<String, Double> values = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> ms = t.getValue().fields();
            while (ms.hasNext()) {
                Map.Entry<String, JsonNode> m = ms.next();
                if (m.getKey().contains(",") && !m.getKey().contains("_stderr,") && m.getValue().isNumber()) {
                    values.put(m.getKey(), m.getValue().asDouble());
                }
            }
            if (values.isEmpty()) {
                LOG.warn("lm-eval results {}: task {} has no numeric metric; skipped", resultsFile, task);
                continue;
            }
            String primary = metric != null && values.containsKey(metric) ? metric : values.keySet().iterator().next();
            double v = values.get(primary);
            if (!(v >= 0 && v <= 1)) {
                throw new QualityException("lm-eval task " + task + ": metric " + primary + " is " + v
                        + ", not a fraction in [0, 1]; choose a 0-1 metric with LmEvalDriver.Builder.metric(...)");
            }
            JsonNode se = t.getValue().get(primary.replaceFirst(",", "_stderr,"));
            double stderr = se != null && se.isNumber() ? se.asDouble() * 100 : Double.NaN;
            Map<String, Double> secondary = new LinkedHashMap<>();
            values.forEach((k, x) -> {
                if (!k.equals(primary) && x >= 0 && x <= 1) {
                    secondary.put(k, x * 100);
                }
            });
            JsonNode ns = root.path("n-samples").path(task);
            int n = ns.path("effective").asInt(ns.path("original").asInt(0));
            double value = v * 100;
            double lo = Double.isNaN(stderr) ? Double.NaN : Math.max(0, value - 1.96 * stderr);
            double hi = Double.isNaN(stderr) ? Double.NaN : Math.min(100, value + 1.96 * stderr);
            out.add(new QualityScore("lm-eval/" + task, primary, value, stderr, lo, hi, n, seed, simulated, secondary,
                    List.of()));
        }
        return out;
    }

    private static Path newestResults(Path dir, FileTime after) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> {
                        String n = f.getFileName().toString();
                        return n.endsWith(".json") && (n.startsWith("results_") || n.equals("results.json"));
                    })
                    .filter(f -> ExternalProcess.modified(f).compareTo(after) >= 0)
                    .max(Comparator.comparing(ExternalProcess::modified))
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list lm-eval's output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Builds an {@link LmEvalDriver}; setters return this builder. */
    public static final class Builder {
        private final Path outputDir;
        private String executable = DEFAULT_EXECUTABLE;
        private List<String> tasks = List.of();
        private boolean chat;
        private int numConcurrent = 4;
        private int limit;
        private int numFewShot = -1;
        private long seed = 1234L;
        private Duration timeout = Duration.ofHours(2);
        private List<String> extraArgs = List.of();
        private Map<String, String> environment = Map.of();
        private String metric;

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        /**
         * The executable (default {@code lm_eval} on the PATH).
         *
         * @param path the executable
         * @return this builder
         */
        public Builder executable(String path) {
            this.executable = Objects.requireNonNull(path, "executable");
            return this;
        }

        /**
         * The tasks or groups ({@code --tasks}), at least one.
         *
         * @param names e.g. {@code gsm8k}, {@code hellaswag}
         * @return this builder
         */
        public Builder tasks(String... names) {
            this.tasks = List.of(names);
            return this;
        }

        /**
         * Whether to use {@code local-chat-completions} with the chat template (default: completions).
         *
         * @param on true for chat
         * @return this builder
         */
        public Builder chat(boolean on) {
            this.chat = on;
            return this;
        }

        /**
         * Requests in flight ({@code num_concurrent}).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder numConcurrent(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("numConcurrent must be >= 1, was " + n);
            }
            this.numConcurrent = n;
            return this;
        }

        /**
         * Items per task ({@code --limit}); 0 = all.
         *
         * @param n at least 0
         * @return this builder
         */
        public Builder limit(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("limit must be >= 0 (0 = all), was " + n);
            }
            this.limit = n;
            return this;
        }

        /**
         * Few-shot examples ({@code --num_fewshot}); -1 = the tasks' own.
         *
         * @param n at least -1
         * @return this builder
         */
        public Builder numFewShot(int n) {
            if (n < -1) {
                throw new IllegalArgumentException("numFewShot must be >= 0, or -1 for the tasks' own, was " + n);
            }
            this.numFewShot = n;
            return this;
        }

        /**
         * The seed ({@code --seed}).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * The longest lm-eval may run before it is stopped (default 2 h).
         *
         * @param d &gt; 0
         * @return this builder
         */
        public Builder timeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be > 0, was " + d);
            }
            this.timeout = d;
            return this;
        }

        /**
         * More arguments appended to the command (e.g. {@code --log_samples}).
         *
         * @param args the arguments
         * @return this builder
         */
        public Builder extraArgs(String... args) {
            this.extraArgs = List.of(args);
            return this;
        }

        /**
         * Environment variables for the process (e.g. {@code HF_DATASETS_OFFLINE=1}).
         *
         * @param env the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /**
         * The primary metric's key in lm-eval's results, e.g. {@code "exact_match,strict-match"}
         * (default: each task's first metric).
         *
         * @param key the key
         * @return this builder
         */
        public Builder metric(String key) {
            this.metric = key;
            return this;
        }

        /**
         * The driver.
         *
         * @return the driver
         * @throws IllegalStateException when no task was given
         */
        public LmEvalDriver build() {
            if (tasks.isEmpty()) {
                throw new IllegalStateException("no lm-eval task given: call tasks(\"gsm8k\", ...)");
            }
            return new LmEvalDriver(this);
        }
    }
}
