package io.qmeter.examples;

import io.qmeter.analysis.figures.CaseStudyFigures;
import io.qmeter.analysis.figures.Figure;
import io.qmeter.analysis.profile.ProfileKey;
import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.profile.SimulatedProfiles;
import io.qmeter.analysis.profile.Slo;
import io.qmeter.analysis.provision.Deployment;
import io.qmeter.analysis.provision.EnergyTable;
import io.qmeter.analysis.provision.Provisioner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's §8.2 energy-optimal DP × TP configuration on profiles the simulated engine produces
 * in virtual time (<b>simulated figures</b>): CodeLlama-34B on HumanEval-like requests, 12 methods
 * × H100 TP 1/2/4/8 and 8 methods × A100 TP 1/2/4, SLO P90 TTFT ≤ 1 s and TPOT ≤ 200 ms. For
 * target rates from 1 to 300 req/s, every configuration gets ⌈x / x_s⌉ instances with the load
 * spread evenly; prints the optimum per rate band, the best method per (GPU, TP) at a few rates,
 * and writes the J/token-vs-rate table as CSV (default {@code qmeter-results/dp-tp-energy.csv}) and as
 * figures (PNG and SVG, beside the CSV): one per GPU with a line per (method, TP) and the DP × TP
 * optimum per rate band marked ({@code dp-tp-energy-h100.png}, {@code dp-tp-energy-a100.png}).
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -Prun-main -Dmain=io.qmeter.examples.EnergyOptimalDpTp package
 * }</pre>
 */
public final class EnergyOptimalDpTp {

    private EnergyOptimalDpTp() {
    }

    /**
     * Prints the tables.
     *
     * @param args optional: the CSV file to write (the figures go to its folder)
     * @throws IOException when the CSV cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.log.io.qmeter.search", "warn");
        long t0 = System.nanoTime();
        SimulatedProfiles.Generated g = SimulatedProfiles.seedGrid().withModels(List.of("CodeLlama-34B"))
                .withWorkloads(Map.of("code", SimulatedProfiles.humanEvalLike())).generate();
        ProfileSet set = g.profiles();
        System.out.printf(Locale.ROOT, "%d simulated profiles of CodeLlama-34B (code) in %.1f s; %d refused by the "
                + "simulator (FP8 on A100, too large)%n", set.size(), g.elapsed().toMillis() / 1e3, g.skipped().size());
        Slo slo = Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 0);
        double[] rates = Provisioner.rates(1, 300, 60);

        System.out.println("\nEnergy optimum per rate band (all GPUs, TPs, methods):");
        System.out.print(Provisioner.format(Provisioner.optimumBands(set, slo, rates)));
        System.out.println("\nEnergy optimum per rate band among FP16 configurations:");
        System.out.print(Provisioner.format(Provisioner.optimumBands(set.filter(p -> p.key().isFp16()), slo, rates)));

        double[] show = {5, 20, 50, 100, 200};
        System.out.println("\nBest method per (GPU, TP) with ⌈x / x_s⌉ instances: J/token (GPUs)");
        System.out.printf(Locale.ROOT, "%-12s", "GPU TP");
        for (double x : show) {
            System.out.printf(Locale.ROOT, " %26s", x + " req/s");
        }
        System.out.println();
        for (String gpu : List.of("H100-80GB", "A100-40GB")) {
            for (int tp : List.of(1, 2, 4, 8)) {
                ProfileSet part = set.filter(p -> p.key().gpu().equals(gpu) && p.key().tensorParallel() == tp);
                if (part.size() == 0) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "%-12s", gpu.substring(0, 4) + " TP" + tp);
                for (double x : show) {
                    Optional<Deployment> d = Provisioner.optimum(part, slo, x);
                    System.out.printf(Locale.ROOT, " %26s", d.map(v -> String.format(Locale.ROOT, "%s %.3f (%d)",
                            v.profile().key().method(), v.joulesPerToken(), v.gpus())).orElse("—"));
                }
                System.out.println();
            }
        }
        EnergyTable t = Provisioner.table(set, slo, rates);
        Path csv = Path.of(args.length > 0 ? args[0] : "qmeter-results/dp-tp-energy.csv");
        if (csv.getParent() != null) {
            Files.createDirectories(csv.getParent());
        }
        Files.writeString(csv, t.toCsv());
        System.out.printf(Locale.ROOT, "%nJ/token vs rate for %d configurations x %d rates written to %s (simulated)%n",
                t.joulesPerToken().size(), rates.length, csv.toAbsolutePath());
        Path dir = csv.toAbsolutePath().getParent();
        for (String gpu : List.of("H100-80GB", "A100-40GB")) {
            EnergyTable tg = Provisioner.table(set.filter(p -> p.key().gpu().equals(gpu)), slo, rates);
            String stem = "dp-tp-energy-" + gpu.substring(0, 4).toLowerCase(Locale.ROOT);
            Figure f = CaseStudyFigures.provisioning(tg, "CodeLlama-34B on " + gpu + " (simulated): J/token vs target rate");
            f.writePng(dir.resolve(stem + ".png"));
            f.writeSvg(dir.resolve(stem + ".svg"));
            System.out.printf(Locale.ROOT, "figure %s.png/.svg: %d configurations, %d optimum bands%n", stem,
                    tg.joulesPerToken().size(), Provisioner.optimumBands(set.filter(p -> p.key().gpu().equals(gpu)),
                            slo, rates).size());
        }
        System.out.println("figures written to " + dir);
        ProfileKey h1 = new ProfileKey("CodeLlama-34B", "W8A8-INT", "H100-80GB", 1, "code");
        System.out.printf(Locale.ROOT, "total %.1f s (reference x_s of %s: %.1f req/s)%n", (System.nanoTime() - t0) / 1e9,
                h1.shortLabel(), set.get(h1).map(p -> p.saturationRate()).orElse(Double.NaN));
    }
}
