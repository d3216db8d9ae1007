package io.qmeter.examples;

import io.qmeter.analysis.figures.CaseStudyFigures;
import io.qmeter.analysis.figures.Figure;
import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.Slo;
import io.qmeter.analysis.profile.StoreProfiles;
import io.qmeter.analysis.provision.Deployment;
import io.qmeter.analysis.provision.EnergyTable;
import io.qmeter.analysis.provision.Provisioner;
import io.qmeter.analysis.provision.RateBand;
import io.qmeter.analysis.report.HtmlReport;
import io.qmeter.analysis.tradeoff.LatencyMetric;
import io.qmeter.analysis.tradeoff.TradeoffAnalysis;
import io.qmeter.analysis.tradeoff.TradeoffPoint;
import io.qmeter.store.ResultStore;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The §8.2 DP × TP case study and the trade-off front on <b>real measurements</b>: the SQLite
 * store {@code examples/data/h200-llamacpp-tinyllama.db} that qMeter's llama.cpp study wrote on one
 * NVIDIA H200 (llama-server, random-weight TinyLlama-shaped 1.1B model, F16 / Q8_0 / Q4_0, TP 1,
 * saturation search under P90 TTFT ≤ 300 ms and P90 TPOT ≤ 15 ms, then runs at 25 / 50 / 75 /
 * 100 % of saturation with NVML energy; docs/gpu-llamacpp.md). It reads the store with
 * {@link StoreProfiles}, prints the profiles, the provisioning table and the optimum per rate band
 * (with the x_s the saturation search found, and with the x_s re-checked on the sweep's own
 * points), the trade-off front over P90 TTFT and J/token at mid-range load (the store holds no
 * quality runs, so there is no quality axis), and writes the store's HTML report and the
 * provisioning figure (PNG and SVG) into an output folder (default
 * {@code qmeter-results/real-store}). The store is copied first, so the committed file is never
 * opened for writing. Each sweep point is one 6 s window of 17–62 requests: small samples.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -pl qmeter-examples -am -Prun-main -Dmain=io.qmeter.examples.RealStoreCaseStudy package
 * }</pre>
 */
public final class RealStoreCaseStudy {

    /** The committed store, relative to the repository root. */
    public static final Path STORE = Path.of("examples", "data", "h200-llamacpp-tinyllama.db");

    /** The study's SLO: P90 TTFT ≤ 300 ms, P90 TPOT ≤ 15 ms. */
    public static final Slo STUDY_SLO = Slo.of(Duration.ofMillis(300), Duration.ofMillis(15), 0);

    /** The target rates of the provisioning table, req/s. */
    public static final double[] SHOWN_RATES = {1, 5, 10, 20, 50};

    /** An SLO no point misses: x_s is then the saturation search's own result. */
    static final Slo SEARCH_XS = Slo.of(Duration.ofHours(1), Duration.ofHours(1), 0);

    private RealStoreCaseStudy() {
    }

    /**
     * What a run of the study produced.
     *
     * @param profiles   the profiles, re-keyed (model {@code tinyllama-random-1.1B}, GPU {@code H200})
     * @param table      J/token per configuration and rate, x_s as the search found it
     * @param bands      the optimum per rate band, x_s as the search found it
     * @param bandsUnderSlo the optimum per rate band, x_s re-checked on the sweep points
     * @param skipped    runs not used, with why
     * @param report     the HTML report
     * @param figure     the provisioning figure (PNG; an SVG lies beside it)
     */
    public record Result(ProfileSet profiles, EnergyTable table, List<RateBand> bands, List<RateBand> bandsUnderSlo,
                         List<String> skipped, Path report, Path figure) {
    }

    /**
     * Runs the study.
     *
     * @param args optional: the store (default {@link #STORE}, also looked up one folder up) and the
     *             output folder
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path store = args.length > 0 ? Path.of(args[0]) : STORE;
        if (args.length == 0 && !Files.exists(store) && Files.exists(Path.of("..").resolve(STORE))) {
            store = Path.of("..").resolve(STORE);
        }
        Path out = Path.of(args.length > 1 ? args[1] : "qmeter-results/real-store");
        long t0 = System.nanoTime();
        run(store, out, System.out);
        System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs the study on a store.
     *
     * @param storeFile the SQLite store (copied into {@code outDir} before it is opened)
     * @param outDir    where the report, the figure and the copy go
     * @param out       where the tables are printed
     * @return what was computed and written
     * @throws IllegalArgumentException when the store file does not exist
     * @throws UncheckedIOException     when the store cannot be copied
     */
    public static Result run(Path storeFile, Path outDir, PrintStream out) {
        Objects.requireNonNull(out, "out");
        if (!Files.isRegularFile(storeFile)) {
            throw new IllegalArgumentException("no store at " + storeFile.toAbsolutePath()
                    + "; run from the repository root or pass the .db file as the first argument");
        }
        Path dir = outDir.toAbsolutePath();
        Path copy = dir.resolve("store-copy.db");
        try {
            Files.createDirectories(dir);
            for (String suffix : List.of("-wal", "-shm")) {
                Files.deleteIfExists(dir.resolve("store-copy.db" + suffix));
            }
            Files.copy(storeFile, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the store " + storeFile + " to " + copy + ": " + e, e);
        }
        try (ResultStore store = ResultStore.sqlite(copy)) {
            StoreProfiles.Loaded loaded = StoreProfiles.readAll(store);
            List<ConfigProfile> rekeyed = new ArrayList<>();
            for (ConfigProfile p : loaded.profiles().profiles()) {
                rekeyed.add(rekey(p));
            }
            ProfileSet set = ProfileSet.of(rekeyed);
            out.printf(Locale.ROOT, "%s: %d runs, %d real profiles (measured on one H200; labels re-keyed: model "
                    + "tinyllama-random-1.1B, GPU H200), %d runs not used:%n", storeFile, store.list().size(),
                    set.size(), loaded.skipped().size());
            loaded.skipped().forEach(s -> out.println("  skipped " + s));

            out.println("\nProfiles (x_s: the saturation search's result; x_s under SLO: the highest sweep point at "
                    + "or below x_s whose own P90 TTFT <= 300 ms and TPOT <= 15 ms, with every lower one)");
            out.printf(Locale.ROOT, "%-34s %8s %14s   %s%n", "configuration", "x_s", "x_s under SLO",
                    "points (req/s: J/token, P90 TPOT ms)");
            for (ConfigProfile p : set.profiles()) {
                StringBuilder pts = new StringBuilder();
                p.points().forEach(lp -> pts.append(String.format(Locale.ROOT, "  %.2f: %.3f, %.1f",
                        lp.ratePerSecond(), lp.joulesPerToken(), lp.tpotP90Millis())));
                out.printf(Locale.ROOT, "%-34s %8.2f %14.2f  %s%n", p.key().shortLabel(), p.saturationRate(),
                        p.saturationUnder(STUDY_SLO), pts);
            }

            out.println("\nDP provisioning with x_s as the search found it: instances = ceil(x / x_s), J/token");
            out.printf(Locale.ROOT, "%-34s %8s", "configuration", "x_s");
            for (double x : SHOWN_RATES) {
                out.printf(Locale.ROOT, " %15s", fmt(x) + " req/s");
            }
            out.println();
            for (ConfigProfile p : set.profiles()) {
                double xs = p.saturationUnder(SEARCH_XS);
                out.printf(Locale.ROOT, "%-34s %8.2f", p.key().shortLabel(), xs);
                for (double x : SHOWN_RATES) {
                    Deployment d = Provisioner.provision(p, xs, x);
                    out.printf(Locale.ROOT, " %15s", String.format(Locale.ROOT, "%d x %.3f", d.instances(),
                            d.joulesPerToken()));
                }
                out.println();
            }
            double[] rates = Provisioner.rates(0.5, 50, 41);
            List<RateBand> bands = Provisioner.optimumBands(set, SEARCH_XS, rates);
            out.println("\nEnergy optimum per rate band, x_s as the search found it:");
            out.print(Provisioner.format(bands));
            List<RateBand> underSlo = Provisioner.optimumBands(set, STUDY_SLO, rates);
            out.println("\nEnergy optimum per rate band, x_s re-checked on the sweep points under the study's SLO:");
            out.print(Provisioner.format(underSlo));

            ConfigProfile ref = set.profiles().stream().filter(p -> p.key().isFp16()).findFirst().orElseThrow(
                    () -> new IllegalStateException("the store holds no F16 profile to take the mid-range load from"));
            double mid = 0.5 * ref.saturationRate();
            String task = "no-quality-measured";
            List<ConfigProfile> flat = set.profiles().stream().map(p -> p.withQuality(Map.of(task, 0.0))).toList();
            TradeoffAnalysis.Result tr = TradeoffAnalysis.at(ProfileSet.of(flat), ref.key().workload(), task, mid,
                    LatencyMetric.TTFT);
            out.printf(Locale.ROOT, "%nTrade-off at mid-range load %.2f req/s (50 %% of F16's x_s): the store holds no "
                    + "quality runs, so the front is over P90 TTFT and J/token only%n", mid);
            List<TradeoffPoint> front = tr.front();
            for (TradeoffPoint tp : tr.points()) {
                out.printf(Locale.ROOT, "  %-34s P90 TTFT %6.1f ms  %.3f J/token  %s%n", tp.profile().key().shortLabel(),
                        tp.latencyMillis(), tp.joulesPerToken(), front.contains(tp) ? "on the front" : "dominated");
            }
            tr.excluded().forEach(s -> out.println("  excluded " + s));

            EnergyTable table = Provisioner.table(set, SEARCH_XS, rates);
            Figure f = CaseStudyFigures.provisioning(table,
                    "llama.cpp on one H200 (measured): J/token vs target rate");
            Path png = f.writePng(dir.resolve("dp-tp-energy-h200.png"));
            f.writeSvg(dir.resolve("dp-tp-energy-h200.svg"));
            Path report = HtmlReport.of(store).title("qMeter: llama.cpp on one H200 (random TinyLlama-shaped 1.1B)")
                    .writeTo(dir.resolve("report.html"));
            out.println("\nfigure " + png + " (and .svg)");
            out.println("HTML report " + report);
            return new Result(set, table, bands, underSlo, loaded.skipped(), report, png);
        }
    }

    /** Model from the GGUF file name, GPU H200 (the store's {@code gpu} label is the device index). */
    static ConfigProfile rekey(ConfigProfile p) {
        ProfileKey k = p.key();
        String file = k.model().replaceAll("^.*/", "").replaceAll("\\.gguf$", "");
        String model = file.startsWith("tinyllama") ? "tinyllama-random-1.1B" : file;
        ProfileKey nk = new ProfileKey(model, k.method(), "H200", k.tensorParallel(), k.workload());
        return new ConfigProfile(nk, p.saturationRate(), p.points(), p.quality(), p.simulated());
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
    }
}
