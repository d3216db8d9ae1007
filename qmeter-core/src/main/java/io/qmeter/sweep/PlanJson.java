package io.qmeter.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.metrics.SloMetric;
import io.qmeter.metrics.SloThreshold;
import io.qmeter.quality.QualityOptions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads and writes plans in the JSON schema of docs/plan-schema.md. The reader collects every
 * problem with its JSON path before failing.
 */
final class PlanJson {

    static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> QUALITY_FIELDS = List.of("benchmark", "label", "dataset", "maxItems", "seed",
            "fewShot", "concurrency", "maxTokens", "temperature", "samples", "requestTimeout", "executionTimeout",
            "underLoad", "underLoadRps");
    private static final List<String> CONFIG_FIELDS = List.of("engine", "model", "quantization", "tensorParallel",
            "gpu", "extraArgs");

    private final List<String> problems = new ArrayList<>();

    private PlanJson() {
    }

    // ---------------------------------------------------------------- reading

    static Plan read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new PlanException(source, List.of("$: expected valid JSON, was not" + where + ": "
                    + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new PlanException(source, List.of("$: expected a JSON object, was empty"));
        }
        PlanJson r = new PlanJson();
        Plan plan = r.plan(root);
        if (!r.problems.isEmpty() || plan == null) {
            throw new PlanException(source, r.problems.isEmpty() ? List.of("$: invalid plan") : r.problems);
        }
        return plan;
    }

    private Plan plan(JsonNode root) {
        if (!isObject(root, "$")) {
            return null;
        }
        known(root, "$", "schemaVersion", "id", "description", "configurations", "matrix", "workload", "slo",
                "rates", "repetitions", "runLength", "seed", "search", "quality");
        Long version = integer(root, "schemaVersion", "$", false, v -> v == SCHEMA_VERSION,
                Integer.toString(SCHEMA_VERSION));
        if (version == null && root.has("schemaVersion")) {
            return null; // a newer schema: other problems would only confuse
        }
        String id = string(root, "id", "$", true);
        String description = string(root, "description", "$", false);
        List<EngineSettings> configs = new ArrayList<>();
        if (root.has("configurations")) {
            JsonNode arr = root.get("configurations");
            if (isArray(arr, "$.configurations")) {
                for (int i = 0; i < arr.size(); i++) {
                    EngineSettings s = configuration(arr.get(i), "$.configurations[" + i + "]");
                    if (s != null) {
                        configs.add(s);
                    }
                }
            }
        }
        if (root.has("matrix")) {
            configs.addAll(matrix(root.get("matrix"), "$.matrix"));
        }
        if (!root.has("configurations") && !root.has("matrix")) {
            problems.add("$: expected \"configurations\" (a list) or \"matrix\" (a cross product), was neither");
        }
        WorkloadSpec workload = root.has("workload") ? workload(root.get("workload"), "$.workload") : missing("$",
                "workload");
        Slo slo = root.has("slo") ? slo(root.get("slo"), "$.slo") : missing("$", "slo");
        List<QualityStep> quality = root.has("quality") ? quality(root.get("quality"), "$.quality") : List.of();
        List<RatePoint> rates = root.has("rates") ? rates(root.get("rates"), "$.rates")
                : quality != null && !quality.isEmpty() ? List.of() : missing("$", "rates");
        Long reps = integer(root, "repetitions", "$", false, v -> v >= 1 && v <= 1_000_000, "an integer >= 1");
        RunLength length = root.has("runLength") ? runLength(root.get("runLength"), "$.runLength")
                : missing("$", "runLength");
        Long seed = integer(root, "seed", "$", false, v -> true, "an integer");
        SearchSettings search = root.has("search") ? search(root.get("search"), "$.search") : SearchSettings.DEFAULT;
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            return new Plan(id, description, configs, workload, slo, rates, reps == null ? 1 : reps.intValue(), length,
                    seed == null ? 0 : seed, search, quality);
        } catch (PlanException e) {
            e.problems().forEach(p -> problems.add("$." + p));
            return null;
        }
    }

    private EngineSettings configuration(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, CONFIG_FIELDS.toArray(String[]::new));
        String engine = string(n, "engine", path, true);
        String model = string(n, "model", path, true);
        String quant = string(n, "quantization", path, true);
        Long tp = n.has("tensorParallel") ? tensorParallel(n.get("tensorParallel"), path + ".tensorParallel")
                : Long.valueOf(1);
        String gpu = string(n, "gpu", path, true);
        List<String> args = n.has("extraArgs") ? stringList(n.get("extraArgs"), path + ".extraArgs") : List.of();
        if (engine == null || model == null || quant == null || tp == null || gpu == null || args == null) {
            return null;
        }
        return build(path, () -> new EngineSettings(engine, model, quant, tp.intValue(), gpu, args));
    }

    private Long tensorParallel(JsonNode v, String path) {
        if (v.isIntegralNumber() && EngineSettings.TENSOR_PARALLEL.contains(v.asInt()) && v.canConvertToInt()) {
            return v.asLong();
        }
        problems.add(path + ": expected 1, 2, 4 or 8, was " + describe(v));
        return null;
    }

    private List<EngineSettings> matrix(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return List.of();
        }
        known(n, path, CONFIG_FIELDS.toArray(String[]::new));
        List<String> engines = dimension(n, "engine", path, true, this::nonEmptyText);
        List<String> models = dimension(n, "model", path, true, this::nonEmptyText);
        List<String> quants = dimension(n, "quantization", path, true, this::nonEmptyText);
        List<Long> tps = n.has("tensorParallel") ? dimension(n, "tensorParallel", path, true, null) : List.of(1L);
        List<String> gpus = dimension(n, "gpu", path, true, this::nonEmptyText);
        List<String> args = n.has("extraArgs") ? stringList(n.get("extraArgs"), path + ".extraArgs") : List.of();
        if (engines == null || models == null || quants == null || tps == null || gpus == null || args == null) {
            return List.of();
        }
        List<EngineSettings> out = new ArrayList<>();
        for (String e : engines) {
            for (String m : models) {
                for (String q : quants) {
                    for (Long tp : tps) {
                        for (String g : gpus) {
                            EngineSettings s = build(path, () -> new EngineSettings(e, m, q, tp.intValue(), g, args));
                            if (s != null) {
                                out.add(s);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> dimension(JsonNode obj, String field, String path, boolean required,
                                  Function<JsonNode, String> textCheck) {
        String p = path + "." + field;
        JsonNode v = obj.get(field);
        if (v == null) {
            if (required) {
                problems.add(p + ": required, was missing");
            }
            return null;
        }
        List<JsonNode> items = new ArrayList<>();
        boolean array = v.isArray();
        if (array) {
            if (v.isEmpty()) {
                problems.add(p + ": expected at least one value, was an empty list");
                return null;
            }
            v.forEach(items::add);
        } else {
            items.add(v);
        }
        List<Object> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            String ip = array ? p + "[" + i + "]" : p;
            if (textCheck == null) {
                Long tp = tensorParallel(items.get(i), ip);
                ok &= tp != null;
                out.add(tp);
            } else {
                String t = textCheck.apply(items.get(i));
                if (t == null) {
                    problems.add(ip + ": expected a non-empty string, was " + describe(items.get(i)));
                    ok = false;
                }
                out.add(t);
            }
        }
        return ok ? (List<T>) out : null;
    }

    private String nonEmptyText(JsonNode v) {
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private WorkloadSpec workload(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        String kind = string(n, "kind", path, true);
        Map<String, Object> params = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("kind".equals(e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                params.put(e.getKey(), v.asText());
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                params.put(e.getKey(), v.asLong());
            } else if (v.isNumber()) {
                params.put(e.getKey(), v.asDouble());
            } else if (v.isBoolean()) {
                params.put(e.getKey(), v.asBoolean());
            } else {
                problems.add(path + "." + e.getKey() + ": expected a string, number or boolean, was " + describe(v));
            }
        }
        if (kind == null) {
            return null;
        }
        return build(path, () -> new WorkloadSpec(kind, params));
    }

    private Slo slo(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, "targets");
        List<SloThreshold> out = new ArrayList<>();
        JsonNode targets = n.get("targets");
        if (targets == null) {
            problems.add(path + ".targets: required, was missing");
        } else if (isArray(targets, path + ".targets")) {
            if (targets.isEmpty()) {
                problems.add(path + ".targets: expected at least one target, was an empty list");
            }
            for (int i = 0; i < targets.size(); i++) {
                SloThreshold t = target(targets.get(i), path + ".targets[" + i + "]");
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return problems.isEmpty() && !out.isEmpty() ? build(path, () -> new Slo(out)) : null;
    }

    private SloThreshold target(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, "metric", "percentile", "max");
        String metric = string(n, "metric", path, true);
        Double pct = number(n, "percentile", path, true, v -> v > 0 && v < 100, "a number in (0, 100), e.g. 90");
        Duration max = duration(n, "max", path, true);
        if (metric == null || pct == null || max == null) {
            return null;
        }
        SloMetric m = null;
        for (SloMetric c : SloMetric.values()) {
            if (c.key().equals(metric)) {
                m = c;
            }
        }
        if (m == null) {
            problems.add(path + ".metric: expected ttft, tpot or e2e, was \"" + metric + "\"");
            return null;
        }
        SloMetric fm = m;
        return build(path, () -> new SloThreshold(fm, Percentile.of(pct), max));
    }

    private List<RatePoint> rates(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, "absolute", "fractionOfSaturation");
        List<RatePoint> out = new ArrayList<>();
        if (!n.has("absolute") && !n.has("fractionOfSaturation")) {
            problems.add(path + ": expected \"absolute\" and/or \"fractionOfSaturation\", was neither");
        }
        for (String field : List.of("absolute", "fractionOfSaturation")) {
            JsonNode arr = n.get(field);
            String p = path + "." + field;
            if (arr == null || !isArray(arr, p)) {
                continue;
            }
            boolean fraction = field.equals("fractionOfSaturation");
            for (int i = 0; i < arr.size(); i++) {
                JsonNode v = arr.get(i);
                double x = v.asDouble();
                boolean ok = v.isNumber() && x > 0 && Double.isFinite(x) && (!fraction || x <= 4);
                if (!ok) {
                    problems.add(p + "[" + i + "]: expected " + (fraction ? "a fraction in (0, 4]" : "a rate > 0 "
                            + "in requests per second") + ", was " + describe(v));
                } else {
                    out.add(fraction ? RatePoint.fractionOfSaturation(x) : RatePoint.absolute(x));
                }
            }
        }
        return out;
    }

    private List<QualityStep> quality(JsonNode n, String path) {
        if (!isArray(n, path)) {
            return null;
        }
        List<QualityStep> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            QualityStep q = qualityStep(n.get(i), path + "[" + i + "]");
            if (q != null) {
                out.add(q);
            }
        }
        return out;
    }

    private QualityStep qualityStep(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, QUALITY_FIELDS.toArray(String[]::new));
        int before = problems.size();
        String benchmark = string(n, "benchmark", path, true);
        String label = string(n, "label", path, false);
        String dataset = string(n, "dataset", path, false);
        QualityOptions d = QualityOptions.defaults();
        Long maxItems = integer(n, "maxItems", path, false, v -> v >= 0 && v <= Integer.MAX_VALUE,
                "an integer >= 0 (0 = all)");
        Long seed = integer(n, "seed", path, false, v -> true, "an integer");
        Long fewShot = integer(n, "fewShot", path, false, v -> v >= -1 && v <= 1000,
                "an integer >= 0, or -1 for the benchmark's default");
        Long concurrency = integer(n, "concurrency", path, false, v -> v >= 1 && v <= 100_000, "an integer >= 1");
        Long maxTokens = integer(n, "maxTokens", path, false, v -> v >= 1 && v <= Integer.MAX_VALUE,
                "an integer >= 1");
        Double temperature = number(n, "temperature", path, false, v -> v >= 0 && Double.isFinite(v),
                "a number >= 0 (0 = greedy)");
        Long samples = integer(n, "samples", path, false, v -> v >= 1 && v <= 100_000, "an integer >= 1");
        Duration requestTimeout = n.has("requestTimeout") ? duration(n, "requestTimeout", path, true) : null;
        Duration executionTimeout = n.has("executionTimeout") ? duration(n, "executionTimeout", path, true) : null;
        List<RatePoint> underLoad = new ArrayList<>();
        backgroundRates(n, "underLoadRps", path, false, underLoad);
        backgroundRates(n, "underLoad", path, true, underLoad);
        if (problems.size() > before) {
            return null;
        }
        return build(path, () -> new QualityStep(benchmark, label, new QualityOptions(
                maxItems == null ? d.maxItems() : maxItems.intValue(), seed == null ? d.seed() : seed,
                concurrency == null ? d.concurrency() : concurrency.intValue(),
                maxTokens == null ? d.maxTokens() : maxTokens.intValue(),
                temperature == null ? d.temperature() : temperature,
                requestTimeout == null ? d.requestTimeout() : requestTimeout,
                executionTimeout == null ? d.executionTimeout() : executionTimeout,
                samples == null ? d.samples() : samples.intValue(), dataset == null ? null : Path.of(dataset),
                fewShot == null ? d.fewShot() : fewShot.intValue()), underLoad));
    }

    /** A quality step's background rates: {@code underLoad} fractions of saturation or {@code underLoadRps}. */
    private void backgroundRates(JsonNode n, String field, String path, boolean fraction, List<RatePoint> out) {
        JsonNode arr = n.get(field);
        String p = path + "." + field;
        if (arr == null || !isArray(arr, p)) {
            return;
        }
        for (int i = 0; i < arr.size(); i++) {
            JsonNode v = arr.get(i);
            double x = v.asDouble();
            if (!(v.isNumber() && x > 0 && Double.isFinite(x) && (!fraction || x <= 4))) {
                problems.add(p + "[" + i + "]: expected " + (fraction
                        ? "a fraction of the saturation point in (0, 4] (e.g. 0.5)"
                        : "a background rate > 0 in requests per second") + ", was " + describe(v));
            } else {
                out.add(fraction ? RatePoint.fractionOfSaturation(x) : RatePoint.absolute(x));
            }
        }
    }

    private RunLength runLength(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, "requests", "duration", "warmupRequests");
        Long warm = integer(n, "warmupRequests", path, false, v -> v >= 0 && v <= Integer.MAX_VALUE, "an integer >= 0");
        boolean hasReq = n.has("requests");
        boolean hasDur = n.has("duration");
        if (hasReq == hasDur) {
            problems.add(path + ": expected exactly one of \"requests\" and \"duration\", was "
                    + (hasReq ? "both" : "neither"));
            return null;
        }
        int w = warm == null ? 0 : warm.intValue();
        if (hasReq) {
            Long r = integer(n, "requests", path, true, v -> v >= 1 && v <= Integer.MAX_VALUE, "an integer >= 1");
            return r == null ? null : RunLength.requests(r.intValue()).withWarmupRequests(w);
        }
        Duration d = duration(n, "duration", path, true);
        return d == null ? null : RunLength.duration(d).withWarmupRequests(w);
    }

    private SearchSettings search(JsonNode n, String path) {
        if (!isObject(n, path)) {
            return null;
        }
        known(n, path, "tolerance", "maxProbes", "initialRate", "requireValid", "confidence", "samplesAboveQuantile",
                "requestsPerProbe");
        Double tol = number(n, "tolerance", path, false, v -> v > 0 && v < 1, "a number in (0, 1), e.g. 0.05");
        Long probes = integer(n, "maxProbes", path, false, v -> v >= 1 && v <= 10_000, "an integer >= 1");
        Double initial = number(n, "initialRate", path, false, v -> v > 0 && Double.isFinite(v),
                "a rate > 0 in requests per second");
        SearchSettings d = SearchSettings.DEFAULT;
        boolean requireValid = d.requireValid();
        if (n.has("requireValid")) {
            JsonNode v = n.get("requireValid");
            if (v.isBoolean()) {
                requireValid = v.asBoolean();
            } else {
                problems.add(path + ".requireValid: expected true or false, was " + describe(v));
            }
        }
        Double conf = number(n, "confidence", path, false, v -> v > 0.5 && v < 1, "a number in (0.5, 1)");
        Long k = integer(n, "samplesAboveQuantile", path, false, v -> v >= 1 && v <= 100_000, "an integer >= 1");
        int minReq = d.minRequestsPerProbe();
        int maxReq = d.maxRequestsPerProbe();
        if (n.has("requestsPerProbe")) {
            JsonNode r = n.get("requestsPerProbe");
            String rp = path + ".requestsPerProbe";
            if (isObject(r, rp)) {
                known(r, rp, "min", "max");
                Long min = integer(r, "min", rp, true, v -> v >= 1 && v <= Integer.MAX_VALUE, "an integer >= 1");
                Long max = integer(r, "max", rp, true, v -> v >= 1 && v <= Integer.MAX_VALUE, "an integer >= 1");
                if (min != null && max != null) {
                    if (max < min) {
                        problems.add(rp + ".max: expected >= min (" + min + "), was " + max);
                    } else {
                        minReq = min.intValue();
                        maxReq = max.intValue();
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        boolean rv = requireValid;
        int mn = minReq;
        int mx = maxReq;
        return build(path, () -> new SearchSettings(tol == null ? d.tolerance() : tol,
                probes == null ? d.maxProbes() : probes.intValue(), initial == null ? d.initialRate() : initial, rv,
                conf == null ? d.confidence() : conf, k == null ? d.samplesAboveQuantile() : k.intValue(), mn, mx));
    }

    // ---------------------------------------------------------------- field helpers

    private <T> T missing(String path, String field) {
        problems.add(path + "." + field + ": required, was missing");
        return null;
    }

    private <T> T build(String path, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }

    private boolean isObject(JsonNode n, String path) {
        if (n.isObject()) {
            return true;
        }
        problems.add(path + ": expected an object, was " + describe(n));
        return false;
    }

    private boolean isArray(JsonNode n, String path) {
        if (n.isArray()) {
            return true;
        }
        problems.add(path + ": expected a list, was " + describe(n));
        return false;
    }

    private void known(JsonNode obj, String path, String... fields) {
        Set<String> allowed = Set.of(fields);
        Iterator<String> names = obj.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!allowed.contains(f)) {
                problems.add(path + "." + f + ": unknown field; expected one of " + String.join(", ",
                        new TreeSet<>(allowed)));
            }
        }
    }

    private String string(JsonNode obj, String field, String path, boolean required) {
        JsonNode v = obj.get(field);
        if (v == null) {
            if (required) {
                problems.add(path + "." + field + ": required, was missing");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add(path + "." + field + ": expected a non-empty string, was " + describe(v));
            return null;
        }
        return v.asText();
    }

    private Long integer(JsonNode obj, String field, String path, boolean required,
                         java.util.function.LongPredicate ok, String expected) {
        JsonNode v = obj.get(field);
        if (v == null) {
            if (required) {
                problems.add(path + "." + field + ": required, was missing");
            }
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || !ok.test(v.asLong())) {
            problems.add(path + "." + field + ": expected " + expected + ", was " + describe(v));
            return null;
        }
        return v.asLong();
    }

    private Double number(JsonNode obj, String field, String path, boolean required,
                          java.util.function.DoublePredicate ok, String expected) {
        JsonNode v = obj.get(field);
        if (v == null) {
            if (required) {
                problems.add(path + "." + field + ": required, was missing");
            }
            return null;
        }
        if (!v.isNumber() || !ok.test(v.asDouble())) {
            problems.add(path + "." + field + ": expected " + expected + ", was " + describe(v));
            return null;
        }
        return v.asDouble();
    }

    private Duration duration(JsonNode obj, String field, String path, boolean required) {
        JsonNode v = obj.get(field);
        if (v == null) {
            if (required) {
                problems.add(path + "." + field + ": required, was missing");
            }
            return null;
        }
        Duration d = v.isTextual() ? Durations.parse(v.asText()) : null;
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(path + "." + field + ": expected a positive duration such as \"200ms\", \"1s\", \"2m\" or "
                    + "\"PT1S\", was " + describe(v));
            return null;
        }
        return d;
    }

    private List<String> stringList(JsonNode v, String path) {
        if (!isArray(v, path)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                problems.add(path + "[" + i + "]: expected a string, was " + describe(v.get(i)));
                return null;
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "missing";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        String s = v.toString(); // JSON form: strings quoted, numbers and literals as written
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    // ---------------------------------------------------------------- writing

    static String write(Plan plan) {
        ObjectNode root = NODES.objectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("id", plan.id());
        if (!plan.description().isEmpty()) {
            root.put("description", plan.description());
        }
        ArrayNode configs = root.putArray("configurations");
        for (EngineSettings s : plan.configurations()) {
            ObjectNode c = configs.addObject();
            c.put("engine", s.engine());
            c.put("model", s.model());
            c.put("quantization", s.quantization());
            c.put("tensorParallel", s.tensorParallel());
            c.put("gpu", s.gpu());
            if (!s.extraArgs().isEmpty()) {
                ArrayNode a = c.putArray("extraArgs");
                s.extraArgs().forEach(a::add);
            }
        }
        ObjectNode w = root.putObject("workload");
        w.put("kind", plan.workload().kind());
        plan.workload().parameters().forEach((k, v) -> {
            if (v instanceof Long l) {
                w.put(k, l);
            } else if (v instanceof Double d) {
                w.put(k, d);
            } else if (v instanceof Boolean b) {
                w.put(k, b);
            } else {
                w.put(k, (String) v);
            }
        });
        ObjectNode slo = root.putObject("slo");
        ArrayNode targets = slo.putArray("targets");
        for (SloThreshold t : plan.slo().thresholds()) {
            ObjectNode o = targets.addObject();
            o.put("metric", t.metric().key());
            double pct = t.percentile().value();
            if (pct == Math.rint(pct)) {
                o.put("percentile", (long) pct);
            } else {
                o.put("percentile", BigDecimal.valueOf(pct));
            }
            o.put("max", Durations.format(t.threshold()));
        }
        ObjectNode rates = NODES.objectNode();
        if (!plan.rates().isEmpty()) {
            root.set("rates", rates);
        }
        ArrayNode abs = NODES.arrayNode();
        ArrayNode frac = NODES.arrayNode();
        for (RatePoint r : plan.rates()) {
            (r.isRelative() ? frac : abs).add(r.value());
        }
        if (!abs.isEmpty()) {
            rates.set("absolute", abs);
        }
        if (!frac.isEmpty()) {
            rates.set("fractionOfSaturation", frac);
        }
        root.put("repetitions", plan.repetitions());
        ObjectNode len = root.putObject("runLength");
        if (plan.runLength().isTimed()) {
            len.put("duration", Durations.format(plan.runLength().duration()));
        } else {
            len.put("requests", plan.runLength().requests());
        }
        if (plan.runLength().warmupRequests() > 0) {
            len.put("warmupRequests", plan.runLength().warmupRequests());
        }
        root.put("seed", plan.seed());
        ObjectNode search = root.putObject("search");
        search.put("tolerance", plan.search().tolerance());
        search.put("maxProbes", plan.search().maxProbes());
        if (!Double.isNaN(plan.search().initialRate())) {
            search.put("initialRate", plan.search().initialRate());
        }
        search.put("requireValid", plan.search().requireValid());
        search.put("confidence", plan.search().confidence());
        search.put("samplesAboveQuantile", plan.search().samplesAboveQuantile());
        ObjectNode rpp = search.putObject("requestsPerProbe");
        rpp.put("min", plan.search().minRequestsPerProbe());
        rpp.put("max", plan.search().maxRequestsPerProbe());
        if (!plan.quality().isEmpty()) {
            ArrayNode qs = root.putArray("quality");
            for (QualityStep q : plan.quality()) {
                ObjectNode o = qs.addObject();
                QualityOptions op = q.options();
                o.put("benchmark", q.benchmark());
                if (!q.label().equals(QualityStep.defaultLabel(q.benchmark()))) {
                    o.put("label", q.label());
                }
                if (op.dataset() != null) {
                    o.put("dataset", op.dataset().toString());
                }
                o.put("maxItems", op.maxItems());
                o.put("seed", op.seed());
                o.put("fewShot", op.fewShot());
                o.put("concurrency", op.concurrency());
                o.put("maxTokens", op.maxTokens());
                o.put("temperature", op.temperature());
                o.put("samples", op.samples());
                o.put("requestTimeout", Durations.format(op.requestTimeout()));
                o.put("executionTimeout", Durations.format(op.executionTimeout()));
                ArrayNode rps = NODES.arrayNode();
                ArrayNode sat = NODES.arrayNode();
                for (RatePoint r : q.underLoad()) {
                    (r.isRelative() ? sat : rps).add(r.value());
                }
                if (!sat.isEmpty()) {
                    o.set("underLoad", sat);
                }
                if (!rps.isEmpty()) {
                    o.set("underLoadRps", rps);
                }
            }
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the plan as JSON", e);
        }
    }
}
