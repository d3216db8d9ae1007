package io.qmeter.eval.external;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs OpenCompass as a process against a running engine and parses its summary into
 * {@link QualityScore}s, one per dataset row.
 *
 * <p>It writes an OpenCompass config, {@code <workDir>/qmeter_opencompass.py}, that imports the
 * chosen dataset configs ({@code "gsm8k/gsm8k_gen"} imports {@code gsm8k_datasets} from
 * {@code opencompass.configs.datasets.gsm8k.gsm8k_gen}; {@code "mmlu/mmlu_gen:mmlu_datasets"} names
 * the variable) and declares one OpenAI-API model ({@code OpenAISDK}, {@code openai_api_base} the
 * engine's {@code /v1}, {@code key='EMPTY'}, the served model as {@code path}), then runs
 * {@code opencompass <config> -w <workDir>} with its output in {@code <workDir>/opencompass.log}.
 *
 * <p>OpenCompass writes {@code <workDir>/<YYYYMMDD_HHMMSS>/summary/summary_<YYYYMMDD_HHMMSS>.csv}
 * with the columns {@code dataset,version,metric,mode,<model abbr>} and values 0–100 ({@code -}
 * where a dataset failed; section rows such as {@code --- x ---} are skipped), and
 * {@code results/<model abbr>/<dataset>.json} with every metric. The newest summary written by this
 * run is parsed: a row is one score (benchmark {@code opencompass/<dataset>}, its metric, its
 * value, and as secondary metrics the other 0–100 numbers of its {@code results/} file); a row whose value is {@code -} is an error naming the dataset. The score has no items
 * (OpenCompass keeps them in its {@code predictions/} folder) and no standard error.
 *
 * <pre>{@code
 * OpenCompassDriver d = OpenCompassDriver.create(Path.of("out/opencompass"))
 *         .withDatasets(List.of("gsm8k/gsm8k_gen", "humaneval/humaneval_gen")).withMaxOutLen(512);
 * String config = d.config(handle);             // to inspect
 * List<QualityScore> scores = d.run(handle);    // runs it and parses the summary
 * }</pre>
 *
 * @param workDir     OpenCompass's {@code -w} work folder (created)
 * @param executable  the {@code opencompass} executable
 * @param datasets    dataset configs, {@code "<folder>/<config>[:<variable>]"}, at least one to run
 * @param abbr        the model's abbreviation (the summary's value column)
 * @param batchSize   requests in flight
 * @param maxOutLen   the most tokens generated per answer
 * @param maxSeqLen   the model's context length as OpenCompass is told it
 * @param temperature the sampling temperature
 * @param timeout     the longest OpenCompass may run
 * @param seed        the seed recorded in the scores
 * @param environment more environment variables for the process
 */
public record OpenCompassDriver(Path workDir, String executable, List<String> datasets, String abbr, int batchSize,
                                int maxOutLen, int maxSeqLen, double temperature, Duration timeout, long seed,
                                Map<String, String> environment) {

    /** The executable looked up on the PATH by default. */
    public static final String DEFAULT_EXECUTABLE = "opencompass";

    /** The config file's name in the work folder. */
    public static final String CONFIG_FILE = "qmeter_opencompass.py";

    /** Validates and copies. */
    public OpenCompassDriver {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(executable, "executable");
        datasets = List.copyOf(datasets);
        for (String d : datasets) {
            if (!d.matches("[A-Za-z0-9_.\\-]+/[A-Za-z0-9_.\\-]+(:[A-Za-z_][A-Za-z0-9_]*)?")) {
                throw new IllegalArgumentException("dataset config '" + d + "' is not '<folder>/<config>[:<variable>]' "
                        + "(e.g. gsm8k/gsm8k_gen, or mmlu/mmlu_gen:mmlu_datasets)");
            }
        }
        if (abbr == null || !abbr.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("abbr must be letters, digits, '_', '.' or '-', was " + abbr);
        }
        if (batchSize < 1 || maxOutLen < 1 || maxSeqLen < 1) {
            throw new IllegalArgumentException("batchSize, maxOutLen and maxSeqLen must be >= 1, were " + batchSize
                    + ", " + maxOutLen + ", " + maxSeqLen);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        }
        Objects.requireNonNull(timeout, "timeout");
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /**
     * A driver writing into {@code workDir}: executable {@code opencompass}, no datasets yet, model
     * abbreviation {@code qmeter}, 4 in flight, 1024 output tokens, 4096 context, temperature 0,
     * a 2-hour limit, seed 1234.
     *
     * @param workDir OpenCompass's work folder
     * @return the driver
     */
    public static OpenCompassDriver create(Path workDir) {
        return new OpenCompassDriver(workDir, DEFAULT_EXECUTABLE, List.of(), "qmeter", 4, 1024, 4096, 0.0,
                Duration.ofHours(2), 1234L, Map.of());
    }

    /**
     * A copy with another executable.
     *
     * @param v the executable's path or name
     * @return the copy
     */
    public OpenCompassDriver withExecutable(String v) {
        return new OpenCompassDriver(workDir, v, datasets, abbr, batchSize, maxOutLen, maxSeqLen, temperature, timeout,
                seed, environment);
    }

    /**
     * A copy with these dataset configs.
     *
     * @param v {@code "<folder>/<config>[:<variable>]"} each
     * @return the copy
     */
    public OpenCompassDriver withDatasets(List<String> v) {
        return new OpenCompassDriver(workDir, executable, v, abbr, batchSize, maxOutLen, maxSeqLen, temperature, timeout,
                seed, environment);
    }

    /**
     * A copy with another model abbreviation.
     *
     * @param v the abbreviation
     * @return the copy
     */
    public OpenCompassDriver withAbbr(String v) {
        return new OpenCompassDriver(workDir, executable, datasets, v, batchSize, maxOutLen, maxSeqLen, temperature,
                timeout, seed, environment);
    }

    /**
     * A copy with another batch size (requests in flight).
     *
     * @param v the batch size
     * @return the copy
     */
    public OpenCompassDriver withBatchSize(int v) {
        return new OpenCompassDriver(workDir, executable, datasets, abbr, v, maxOutLen, maxSeqLen, temperature, timeout,
                seed, environment);
    }

    /**
     * A copy with another output length limit.
     *
     * @param v tokens per answer
     * @return the copy
     */
    public OpenCompassDriver withMaxOutLen(int v) {
        return new OpenCompassDriver(workDir, executable, datasets, abbr, batchSize, v, maxSeqLen, temperature, timeout,
                seed, environment);
    }

    /**
     * A copy with another time limit.
     *
     * @param v the longest OpenCompass may run
     * @return the copy
     */
    public OpenCompassDriver withTimeout(Duration v) {
        return new OpenCompassDriver(workDir, executable, datasets, abbr, batchSize, maxOutLen, maxSeqLen, temperature,
                v, seed, environment);
    }

    /**
     * A copy with more environment variables for the process.
     *
     * @param v the variables
     * @return the copy
     */
    public OpenCompassDriver withEnvironment(Map<String, String> v) {
        return new OpenCompassDriver(workDir, executable, datasets, abbr, batchSize, maxOutLen, maxSeqLen, temperature,
                timeout, seed, v);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String py(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * The OpenCompass config for a running engine.
     *
     * @param engine the engine
     * @return the Python config text
     */
    public String config(EngineHandle engine) {
        if (datasets.isEmpty()) {
            throw new IllegalStateException("no dataset configs: use withDatasets(List.of(\"gsm8k/gsm8k_gen\", ...))");
        }
        String base = engine.baseUrl().toString().replaceAll("/+$", "") + "/v1";
        StringBuilder b = new StringBuilder();
        b.append("# written by qMeter's OpenCompassDriver for ").append(base).append("\n");
        b.append("from mmengine.config import read_base\n");
        b.append("from opencompass.models import OpenAISDK\n\n");
        b.append("with read_base():\n");
        List<String> vars = new ArrayList<>();
        for (String d : datasets) {
            String[] pv = d.split(":", 2);
            String[] fc = pv[0].split("/", 2);
            String var = pv.length > 1 ? pv[1] : fc[0].replace('-', '_').replace('.', '_') + "_datasets";
            String alias = "_qm" + vars.size() + "_" + var;
            b.append("    from opencompass.configs.datasets.").append(fc[0]).append('.').append(fc[1])
                    .append(" import ").append(var).append(" as ").append(alias).append('\n');
            vars.add(alias);
        }
        b.append("\ndatasets = [");
        for (int i = 0; i < vars.size(); i++) {
            b.append(i == 0 ? "" : ", ").append('*').append(vars.get(i));
        }
        b.append("]\n\n");
        b.append("api_meta_template = dict(round=[dict(role='HUMAN', api_role='HUMAN'), "
                + "dict(role='BOT', api_role='BOT', generate=True)])\n\n");
        b.append("models = [\n    dict(\n");
        b.append("        abbr=").append(py(abbr)).append(",\n");
        b.append("        type=OpenAISDK,\n");
        b.append("        path=").append(py(engine.model())).append(",\n");
        b.append("        key='EMPTY',\n");
        b.append("        openai_api_base=").append(py(base)).append(",\n");
        b.append("        meta_template=api_meta_template,\n");
        b.append("        query_per_second=").append(batchSize).append(",\n");
        b.append("        batch_size=").append(batchSize).append(",\n");
        b.append("        max_out_len=").append(maxOutLen).append(",\n");
        b.append("        max_seq_len=").append(maxSeqLen).append(",\n");
        b.append("        temperature=").append(temperature).append(",\n");
        b.append("        retry=3,\n");
        b.append("    ),\n]\n");
        return b.toString();
    }

    /**
     * The command line, after {@link #config} has been written to {@code <workDir>/}{@value #CONFIG_FILE}.
     *
     * @return the command, executable first
     */
    public List<String> command() {
        return List.of(executable, workDir.toAbsolutePath().resolve(CONFIG_FILE).toString(), "-w",
                workDir.toAbsolutePath().toString());
    }

    /**
     * Writes the config, runs OpenCompass, waits for it and parses the summary it wrote.
     *
     * @param engine the running engine
     * @return one score per dataset row of the summary
     * @throws QualityException when OpenCompass is not installed, fails, runs past the time limit or
     *                          writes no summary; the message says which and shows its log's tail
     */
    public List<QualityScore> run(EngineHandle engine) {
        String cfg = config(engine);
        Path log = workDir.resolve("opencompass.log");
        long started = System.currentTimeMillis() - 1000;
        try {
            Files.createDirectories(workDir);
            Files.writeString(workDir.resolve(CONFIG_FILE), cfg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write OpenCompass's config into " + workDir + ": " + e.getMessage(), e);
        }
        List<String> cmd = command();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(environment);
        ExternalProcess.run("OpenCompass", pb, log, timeout, "Install it with: pip install opencompass (0.4 or later, "
                + "which has the opencompass command and opencompass.configs), or pass its path with "
                + "OpenCompassDriver.withExecutable(...)", "withTimeout(...)");
        Path summary = newestSummary(workDir, started);
        if (summary == null) {
            throw new QualityException("OpenCompass finished but wrote no summary under " + workDir
                    + " (expected <workDir>/<YYYYMMDD_HHMMSS>/summary/summary_<YYYYMMDD_HHMMSS>.csv). Its log's tail:\n"
                    + ExternalProcess.tail(log));
        }
        return parse(summary, abbr, seed, Completions.simulated(engine));
    }

    /**
     * Parses an OpenCompass summary CSV ({@code dataset,version,metric,mode,<model>...}).
     *
     * @param summaryCsv the file
     * @param abbr       the model column to read; {@code null} for the first after {@code mode}
     * @param seed       the seed to record
     * @param simulated  whether the engine was simulated
     * @return one score per dataset row, in the file's order
     * @throws QualityException when the file is not such a summary, or a row has no value ({@code -})
     */
    public static List<QualityScore> parse(Path summaryCsv, String abbr, long seed, boolean simulated) {
        List<String> lines;
        try {
            lines = Files.readAllLines(summaryCsv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new QualityException("cannot read OpenCompass's summary " + summaryCsv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new QualityException("OpenCompass's summary " + summaryCsv + " is empty");
        }
        List<String> header = List.of(lines.get(0).split(",", -1));
        if (header.size() < 5 || !header.subList(0, 4).equals(List.of("dataset", "version", "metric", "mode"))) {
            throw new QualityException("expected an OpenCompass summary CSV whose header starts "
                    + "dataset,version,metric,mode,<model> in " + summaryCsv + ", found: " + lines.get(0));
        }
        int col = abbr == null ? 4 : header.indexOf(abbr);
        if (col < 4) {
            throw new QualityException("OpenCompass's summary " + summaryCsv + " has no column for model '" + abbr
                    + "'; its columns are " + header);
        }
        List<QualityScore> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length <= col || c[0].startsWith("---") || "-".equals(c[2])) {
                continue;
            }
            String cell = c[col].trim();
            if (cell.equals("-") || cell.isEmpty()) {
                throw new QualityException("OpenCompass reported no value for dataset " + c[0] + " (" + c[2]
                        + ") in " + summaryCsv + "; its evaluation failed: see the logs under " + summaryCsv.getParent()
                        .getParent().resolve("logs"));
            }
            double v;
            try {
                v = Double.parseDouble(cell.split("\\s+")[0]);
            } catch (NumberFormatException e) {
                throw new QualityException("OpenCompass's summary " + summaryCsv + " line " + (i + 1) + ": value '"
                        + cell + "' for " + c[0] + " is not a number", e);
            }
            if (!(v >= 0 && v <= 100)) {
                throw new QualityException("OpenCompass's summary " + summaryCsv + " line " + (i + 1) + ": " + c[0] + " "
                        + c[2] + " is " + v + ", not a score in [0, 100]");
            }
            Map<String, Double> secondary = resultMetrics(summaryCsv, header.get(col), c[0], c[2]);
            out.add(new QualityScore("opencompass/" + c[0], c[2], v, Double.NaN, Double.NaN, Double.NaN, 0, seed,
                    simulated, secondary, List.of()));
        }
        if (out.isEmpty()) {
            throw new QualityException("OpenCompass's summary " + summaryCsv + " has no dataset rows");
        }
        return out;
    }

    /** The other 0-100 metrics of {@code <run>/results/<model>/<dataset>.json}, where that file exists. */
    private static Map<String, Double> resultMetrics(Path summaryCsv, String model, String dataset, String primary) {
        Map<String, Double> out = new LinkedHashMap<>();
        Path run = summaryCsv.toAbsolutePath().getParent().getParent();
        Path f = run.resolve("results").resolve(model).resolve(dataset + ".json");
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try {
            JSON.readTree(f.toFile()).fields().forEachRemaining(e -> {
                double v = e.getValue().asDouble(Double.NaN);
                if (e.getValue().isNumber() && !e.getKey().equals(primary) && v >= 0 && v <= 100) {
                    out.put(e.getKey(), v);
                }
            });
        } catch (IOException e) {
            throw new QualityException("cannot read OpenCompass's result file " + f + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Path newestSummary(Path dir, long afterMillis) {
        try (Stream<Path> s = Files.walk(dir, 4)) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> f.getParent() != null && f.getParent().getFileName().toString().equals("summary"))
                    .filter(f -> f.getFileName().toString().matches("summary_.*\\.csv"))
                    .filter(f -> ExternalProcess.modified(f).toMillis() >= afterMillis)
                    .max(Comparator.comparingLong((Path f) -> ExternalProcess.modified(f).toMillis()))
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list OpenCompass's work folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
