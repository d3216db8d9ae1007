package io.qmeter.cli;

import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.metrics.Slo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code qmeter load --url … --model … --rate …}: one open-loop load run against a running server
 * (Poisson arrivals, or gamma with {@code --burstiness}), printing the summary and optionally
 * writing the {@code RunResult} JSON and vLLM's result JSON.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Runs open-loop load at a fixed request rate against a running OpenAI-compatible server.",
        footer = {"", "Example: qmeter load --url http://127.0.0.1:8000 --model m --rate 4 --duration 2m "
                + "--slo ttft:p90<1s,tpot:p90<200ms --out run.json --vllm-out vllm.json",
                "Exit codes: 0 valid run, 1 invalid run (client lag, missed rate, failed requests), 2 bad input."})
public final class LoadCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Option(names = "--rate", required = true, paramLabel = "RPS", description = "Requests per second (> 0).")
    double rate;

    @Option(names = "--burstiness", defaultValue = "1", paramLabel = "B",
            description = "Gamma arrivals' burstiness as vLLM's --burstiness (1 = Poisson, default: ${DEFAULT-VALUE}).")
    double burstiness;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Arrival time of the measured run, e.g. 2m (one of --duration and --requests).")
    String duration;

    @Option(names = "--requests", paramLabel = "N", description = "Measured requests (default 200 when "
            + "--duration is not given).")
    Long requests;

    @Option(names = "--warmup", paramLabel = "DURATION", description = "Warm-up time, sent first and not measured.")
    String warmup;

    @Option(names = "--slo", paramLabel = "SLO", description = "e.g. ttft:p90<1s,tpot:p90<200ms: reports attainment "
            + "and goodput against it.")
    String slo;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the full RunResult JSON here.")
    Path out;

    @Option(names = "--vllm-out", paramLabel = "FILE",
            description = "Write the run as vllm bench serve --save-result --save-detailed writes it.")
    Path vllmOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public LoadCommand() {
    }

    @Override
    public Integer call() {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new UserError("--rate: expected a number of requests per second > 0, was " + rate);
        }
        if (!(burstiness > 0)) {
            throw new UserError("--burstiness: expected a number > 0, was " + burstiness);
        }
        if (duration != null && requests != null) {
            throw new UserError("--duration and --requests: expected one of them, was both");
        }
        LoadRunBuilder b = target.base().arrivals(burstiness == 1 ? QMeter.poisson(rate)
                : QMeter.gamma(rate, burstiness));
        if (duration != null) {
            Duration d = CliValues.duration("--duration", duration);
            if (d.isZero() || d.isNegative()) {
                throw new UserError("--duration: expected a duration > 0, was " + duration);
            }
            b = b.duration(d);
        } else {
            long n = requests == null ? 200 : requests;
            if (n < 1) {
                throw new UserError("--requests: expected an integer >= 1, was " + n);
            }
            b = b.requests(n);
        }
        if (warmup != null) {
            b = b.warmup(CliValues.duration("--warmup", warmup));
        }
        Slo s = slo == null ? null : CliValues.slo("--slo", slo);
        if (s != null) {
            b = b.slo(s);
        }
        RunResult r = b.build().run();
        PrintWriter o = spec.commandLine().getOut();
        o.println(r.summaryTable());
        if (out != null) {
            r.writeJson(out);
            o.println("run written to " + out);
        }
        if (vllmOut != null) {
            VllmResultExport.options().withBurstiness(burstiness).write(r, vllmOut);
            o.println("vLLM result written to " + vllmOut);
        }
        o.flush();
        if (!r.valid()) {
            spec.commandLine().getErr().println("qmeter load: the run is invalid: " + String.join("; ",
                    r.invalidReasons()));
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }
}
