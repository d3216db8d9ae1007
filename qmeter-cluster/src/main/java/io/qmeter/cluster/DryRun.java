package io.qmeter.cluster;

import io.qmeter.sweep.Plan;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --dry-run} sizing from the command line: reads a plan, prints every configuration with its
 * GPU needs, points and time estimate, the GPU-hours and the wall time on a cluster (see
 * {@link Sizing}); runs nothing and needs no store.
 *
 * <pre>{@code
 * java -cp "$QMETER_CP" io.qmeter.cluster.DryRun --plan plan.json --nodes 4 --gpus-per-node 8 \
 *      [--saturation-rate 4] [--engine-start PT5M] [--lines 20]
 * }</pre>
 */
public final class DryRun {

    private DryRun() {
    }

    /**
     * Prints the sizing; exits 2 on bad arguments or an invalid plan.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        int rc = execute(args, System.out, System.err);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /**
     * The command without the exit.
     *
     * @param args the arguments
     * @param out  where the table goes
     * @param err  where errors go
     * @return the exit status: 0, or 2 for bad arguments or an invalid plan
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        try {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, found '" + args[i] + "'");
                }
                a.put(args[i], args[++i]);
            }
            if (!a.containsKey("--plan")) {
                throw new IllegalArgumentException("--plan FILE is required");
            }
            Plan plan = Plan.read(Path.of(a.get("--plan")));
            Sizing.Assumptions as = Sizing.Assumptions.defaults();
            if (a.containsKey("--saturation-rate")) {
                as = as.withSaturationRate(Double.parseDouble(a.get("--saturation-rate")));
            }
            if (a.containsKey("--engine-start")) {
                as = as.withEngineStart(Duration.parse(a.get("--engine-start")));
            }
            Sizing.Estimate e = Sizing.estimate(plan, as, Integer.parseInt(a.getOrDefault("--nodes", "4")),
                    Integer.parseInt(a.getOrDefault("--gpus-per-node", "8")));
            out.print(e.render(Integer.parseInt(a.getOrDefault("--lines", "20"))));
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("DryRun: " + e.getMessage());
            err.println("usage: DryRun --plan FILE [--nodes 4] [--gpus-per-node 8] [--saturation-rate 4] "
                    + "[--engine-start PT5M] [--lines 20]");
            return 2;
        }
    }
}
