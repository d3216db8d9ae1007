package io.qmeter.cli;

import io.qmeter.QMeter;
import io.qmeter.search.ProbeOutcome;
import io.qmeter.search.Saturation;
import io.qmeter.search.SearchResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qmeter search --url … --model … --slo ttft:p90<1s,tpot:p90<200ms}: the saturation point
 * (the highest request rate whose run meets the SLO) of a running server, with
 * {@link QMeter#saturation}.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Finds the saturation point of a running server: the highest request rate that meets the SLO.",
        footer = {"", "Example: qmeter search --url http://127.0.0.1:8000 --model m --slo ttft:p90<1s,tpot:p90<200ms",
                "Exit codes: 0 a saturation point was found, 1 none was found, 2 bad input."})
public final class SearchCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Option(names = "--slo", required = true, paramLabel = "SLO",
            description = "The SLO every probe is judged by, e.g. ttft:p90<1s,tpot:p90<200ms.")
    String slo;

    @Option(names = "--max-probes", defaultValue = "8", description = "Probe budget (default: ${DEFAULT-VALUE}).")
    int maxProbes;

    @Option(names = "--requests-per-probe", paramLabel = "N",
            description = "Requests per probe (default: as many as the percentile needs, 50-5000).")
    Integer requestsPerProbe;

    @Option(names = "--tolerance", defaultValue = "0.05",
            description = "Stop when lowest failing / highest passing rate <= 1 + tolerance (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--initial-rate", paramLabel = "RPS",
            description = "First rate to probe (default: start from a max-throughput burst).")
    Double initialRate;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public SearchCommand() {
    }

    @Override
    public Integer call() {
        if (maxProbes < 1) {
            throw new UserError("--max-probes: expected an integer >= 1, was " + maxProbes);
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new UserError("--tolerance: expected a number in (0, 1), was " + tolerance);
        }
        if (initialRate != null && !(initialRate > 0)) {
            throw new UserError("--initial-rate: expected a number > 0, was " + initialRate);
        }
        Saturation s = QMeter.saturation(target.base()).slo(CliValues.slo("--slo", slo)).maxProbes(maxProbes)
                .seed(target.seed).search(b -> {
                    var t = b.tolerance(tolerance);
                    return initialRate == null ? t : t.initialRate(initialRate);
                });
        if (requestsPerProbe != null) {
            if (requestsPerProbe < 1) {
                throw new UserError("--requests-per-probe: expected an integer >= 1, was " + requestsPerProbe);
            }
            s = s.requestsPerProbe(requestsPerProbe);
        }
        SearchResult r = s.run();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%-6s %-9s %12s %10s  %s%n", "probe", "purpose", "rate rps", "requests", "verdict");
        for (ProbeOutcome p : r.probes()) {
            o.printf(Locale.ROOT, "%-6d %-9s %12s %10d  %s%n", p.index(), p.purpose(),
                    Double.isInfinite(p.ratePerSecond()) ? "burst" : String.format(Locale.ROOT, "%.4g", p.ratePerSecond()),
                    p.request().requestCount(), p.error() != null ? "error: " + p.error()
                            : p.decision() == null ? "-" : p.decision() + (p.judgement() == null ? ""
                            : " (" + p.judgement().reason() + ")"));
        }
        if (r.found()) {
            o.printf(Locale.ROOT, "saturation point: %.4g req/s (lowest failing %.4g req/s; %s after %d probes)%n",
                    r.saturationRate(), r.lowestFailingRate(), r.stopReason(), r.probeCount());
        } else {
            o.println("no saturation point found: " + r.detail());
        }
        o.flush();
        return r.found() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
