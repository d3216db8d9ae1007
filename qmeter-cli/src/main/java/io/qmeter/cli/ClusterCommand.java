package io.qmeter.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmeter.cluster.ClusterProgress;
import io.qmeter.cluster.Sizing;
import io.qmeter.cluster.StoreAccess;
import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.cluster.k8s.KubernetesExecutor;
import io.qmeter.cluster.k8s.KubernetesOptions;
import io.qmeter.cluster.slurm.SlurmExecutor;
import io.qmeter.cluster.slurm.SlurmOptions;
import io.qmeter.store.ResultStore;
import io.qmeter.sweep.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qmeter cluster submit|progress|dry-run|cancel}: runs a plan on a GPU cluster through Slurm
 * job arrays or Kubernetes Indexed Jobs, every task writing into one shared PostgreSQL store
 * ({@code docs/cluster.md}).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a plan on a GPU cluster: sizing (dry-run), submission to Slurm or Kubernetes, progress "
                + "from the shared store, cancellation. Each task runs 'qmeter run-point' exactly once per configuration.",
        subcommands = {ClusterCommand.DryRunCommand.class, ClusterCommand.SubmitCommand.class,
                ClusterCommand.ProgressCommand.class, ClusterCommand.CancelCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed (or failed points, or --watch's deadline passed), 2 bad input."})
public final class ClusterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public ClusterCommand() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "cluster: name a subcommand: dry-run, submit, progress or cancel (qmeter cluster --help)");
    }

    /** {@code qmeter cluster dry-run plan.json --nodes N --gpus-per-node G}: the sizing, nothing run. */
    @Command(name = "dry-run", mixinStandardHelpOptions = true,
            description = {"Prints each configuration's GPUs, points and time estimate, the GPU-hours and the wall time "
                    + "on a cluster of N nodes x G GPUs. Runs nothing and needs no store.",
                    "The estimate is a model: engine start, idle baseline, the saturation search's probes at the "
                            + "assumed saturation rate, each run's requests at its rate plus 30 s per point, 20 min "
                            + "per quality step."},
            footer = {"", "Example: qmeter cluster dry-run plan.json --nodes 4 --gpus-per-node 8",
                    "Exit codes: 0 printed, 2 bad input (an invalid plan, a configuration needing more GPUs than a node "
                            + "has)."})
    public static final class DryRunCommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "PLAN", description = "The JSON plan file.")
        Path planFile;

        @Option(names = "--nodes", required = true, paramLabel = "N", description = "Nodes in the cluster.")
        int nodes;

        @Option(names = "--gpus-per-node", required = true, paramLabel = "G", description = "GPUs per node.")
        int gpusPerNode;

        @Option(names = "--saturation-rate", paramLabel = "REQ/S",
                description = "The saturation rate the estimate assumes for every configuration (default 4).")
        Double saturationRate;

        @Option(names = "--engine-start", paramLabel = "DURATION",
                description = "How long an engine takes to start (default 5m).")
        String engineStart;

        @Option(names = "--lines", defaultValue = "20", paramLabel = "N",
                description = "Configurations listed (the rest are summed; default: ${DEFAULT-VALUE}).")
        int lines;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Creates the command (picocli instantiates it). */
        public DryRunCommand() {
        }

        @Override
        public Integer call() {
            if (nodes < 1) {
                throw new UserError("--nodes: expected an integer >= 1, was " + nodes);
            }
            if (gpusPerNode < 1) {
                throw new UserError("--gpus-per-node: expected an integer >= 1, was " + gpusPerNode);
            }
            if (lines < 0) {
                throw new UserError("--lines: expected an integer >= 0, was " + lines);
            }
            Sizing.Assumptions as = Sizing.Assumptions.defaults();
            if (saturationRate != null) {
                if (!(saturationRate > 0) || saturationRate.isInfinite()) {
                    throw new UserError("--saturation-rate: expected a number > 0, was " + saturationRate);
                }
                as = as.withSaturationRate(saturationRate);
            }
            if (engineStart != null) {
                Duration d = CliValues.duration("--engine-start", engineStart);
                if (d.isNegative()) {
                    throw new UserError("--engine-start: expected a duration >= 0, was " + engineStart);
                }
                as = as.withEngineStart(d);
            }
            Plan plan = PlanFiles.read(planFile);
            for (int i = 0; i < plan.configurations().size(); i++) {
                int tp = plan.configurations().get(i).tensorParallel();
                if (tp > gpusPerNode) {
                    throw new UserError("--gpus-per-node: configuration " + i + " (" + plan.configurations().get(i).id()
                            + ") needs " + tp + " GPUs on one node, more than " + gpusPerNode);
                }
            }
            Sizing.Estimate e = Sizing.estimate(plan, as, nodes, gpusPerNode);
            PrintWriter out = spec.commandLine().getOut();
            out.print(e.render(lines));
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** Where the shared store is, for submit and progress. */
    static final class StoreUrl {
        @Option(names = "--store", paramLabel = "URL",
                description = "The shared store, jdbc:postgresql://host:5432/db (else QMETER_PG_URL).")
        String url;

        StoreUrl() {
        }

        String resolve(Map<String, String> env) {
            String u = url != null ? url : env.get(StoreAccess.URL_ENV);
            if (u == null || u.isBlank()) {
                throw new UserError("--store: no store; pass --store jdbc:postgresql://host:5432/db or set "
                        + StoreAccess.URL_ENV);
            }
            if (!StoreOptions.isPostgres(u)) {
                throw new UserError("--store: a cluster shares one PostgreSQL store; expected jdbc:postgresql://"
                        + "host:5432/db, was " + u);
            }
            if (u.matches("(?i).*[?&]password=.*")) {
                throw new UserError("--store: the URL carries a password, which would show in job scripts and logs; "
                        + "remove it and set " + StoreAccess.PASSWORD_ENV + " or " + StoreAccess.PASSWORD_FILE_ENV);
            }
            return u;
        }
    }

    /** The Slurm options of submit. */
    static final class SlurmArgs {
        @Option(names = "--slurm", required = true, description = "Submit job arrays with sbatch.")
        boolean slurm;

        @Option(names = "--partition", paramLabel = "[GPU=]NAME",
                description = "Partition for every task, or GPU=NAME for the tasks of one plan GPU type (repeatable).")
        List<String> partitions = new ArrayList<>();

        @Option(names = "--constraint", paramLabel = "[GPU=]FEATURES",
                description = "--constraint for every GPU type of the plan, or GPU=FEATURES for one (repeatable).")
        List<String> constraints = new ArrayList<>();

        @Option(names = "--account", paramLabel = "NAME", description = "Slurm account to charge.")
        String account;

        @Option(names = "--work-dir", defaultValue = "qmeter-jobs", paramLabel = "DIR",
                description = "Shared folder for the job scripts and task logs (default: ${DEFAULT-VALUE}).")
        Path workDir;

        @Option(names = "--class-path", paramLabel = "CP",
                description = "qMeter's class path on the nodes (default: the jar this command runs from).")
        String classPath;

        @Option(names = "--plan-path", paramLabel = "FILE",
                description = "The plan's path on the nodes (default: the plan's absolute path here).")
        Path planPath;

        @Option(names = "--time-limit", paramLabel = "DURATION",
                description = "--time of every task (default: twice the dry run's estimate of a configuration).")
        String timeLimit;

        @Option(names = "--max-parallel", defaultValue = "0", paramLabel = "N",
                description = "Tasks of an array running at once (%%N throttle; default 0: no limit).")
        int maxParallel;

        @Option(names = "--gres", description = "Request GPUs as --gres=gpu:N (clusters without --gpus).")
        boolean gres;

        @Option(names = "--no-gpus", description = "Request no GPUs (CPU-only tests with the simulated engine).")
        boolean noGpus;

        SlurmArgs() {
        }
    }

    /** The Kubernetes options of submit. */
    static final class K8sArgs {
        @Option(names = "--k8s", required = true, description = "Create Indexed Jobs through the Kubernetes API "
                + "(the kubeconfig's cluster).")
        boolean k8s;

        @Option(names = "--namespace", defaultValue = "default", paramLabel = "NS",
                description = "Namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--secret", required = true, paramLabel = "NAME",
                description = "The Secret with the store's url, user and password (keys url, user, password).")
        String secret;

        @Option(names = "--image", required = true, paramLabel = "IMAGE",
                description = "Image with java and qMeter's jars in /opt/qmeter/lib.")
        String image;

        @Option(names = "--node-selector", paramLabel = "GPU=LABEL=VALUE",
                description = "Node label for the pods of one plan GPU type (repeatable).")
        List<String> nodeSelectors = new ArrayList<>();

        @Option(names = "--parallelism", defaultValue = "0", paramLabel = "N",
                description = "Pods of a Job running at once (default 0: all).")
        int parallelism;

        @Option(names = "--active-deadline", paramLabel = "DURATION", description = "Each Job's deadline.")
        String activeDeadline;

        K8sArgs() {
        }
    }

    /** Exactly one of --slurm and --k8s, with its options. */
    static final class Target {
        @ArgGroup(exclusive = false, heading = "Slurm:%n")
        SlurmArgs slurm;

        @ArgGroup(exclusive = false, heading = "Kubernetes:%n")
        K8sArgs k8s;

        Target() {
        }
    }

    /** {@code qmeter cluster submit plan.json --slurm ... | --k8s ...}. */
    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Submits a plan: with --slurm one job array per GPU shape (sbatch --array, one task per "
                    + "configuration, --gpus per tensor-parallel degree); with --k8s one Indexed Job per GPU shape. "
                    + "Every task runs 'run-point' into the shared PostgreSQL store.",
                    "Submitting the same plan again runs only what is missing."},
            footer = {"", "The store's password is never in a job script or pod spec: export QMETER_PG_PASSWORD (or "
                    + "QMETER_PG_PASSWORD_FILE) before submitting to Slurm (sbatch passes the environment on); "
                    + "Kubernetes pods read it from --secret.",
                    "Examples:",
                    "  qmeter cluster submit plan.json --slurm --partition gpu --constraint h100 --account llm "
                            + "--store jdbc:postgresql://db:5432/qmeter",
                    "  qmeter cluster submit plan.json --k8s --namespace bench --secret qmeter-store --image "
                            + "registry.example/qmeter:0.1.0",
                    "Exit codes: 0 submitted, 1 the scheduler refused, 2 bad input."})
    public static final class SubmitCommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "PLAN", description = "The JSON plan file.")
        Path planFile;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @CommandLine.Mixin
        StoreUrl store = new StoreUrl();

        @Option(names = "--user", paramLabel = "USER",
                description = "PostgreSQL user of the tasks (Slurm; else QMETER_PG_USER, else qmeter).")
        String user;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Creates the command (picocli instantiates it). */
        public SubmitCommand() {
        }

        @Override
        public Integer call() {
            CliContext ctx = CliContext.of(spec);
            Plan plan = PlanFiles.read(planFile);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (target.slurm != null) {
                return slurm(ctx, plan, target.slurm, out, err);
            }
            return k8s(ctx, plan, target.k8s, out);
        }

        private int slurm(CliContext ctx, Plan plan, SlurmArgs a, PrintWriter out, PrintWriter err) {
            String url = store.resolve(ctx.env());
            String who = user != null ? user : ctx.env().getOrDefault(StoreAccess.USER_ENV, "qmeter");
            Set<String> gpus = new LinkedHashSet<>();
            SlurmExecutor.groups(plan).forEach(g -> gpus.add(g.gpu()));
            String cp = a.classPath != null ? a.classPath : ownJar();
            SlurmOptions o = SlurmOptions.of(cp, a.workDir.toAbsolutePath(), url, who);
            for (String p : a.partitions) {
                String[] kv = perGpu("--partition", p, gpus);
                o = kv[0] == null ? o.withPartition(kv[1]) : o.withPartition(kv[0], kv[1]);
            }
            for (String c : a.constraints) {
                String[] kv = perGpu("--constraint", c, gpus);
                for (String g : kv[0] == null ? gpus : Set.of(kv[0])) {
                    o = o.withConstraint(g, kv[1]);
                }
            }
            if (a.account != null) {
                o = o.withAccount(a.account);
            }
            if (a.timeLimit != null) {
                Duration d = CliValues.duration("--time-limit", a.timeLimit);
                if (d.toMinutes() < 1) {
                    throw new UserError("--time-limit: expected at least 1m, was " + a.timeLimit);
                }
                o = o.withTimeLimit(d);
            }
            if (a.maxParallel < 0) {
                throw new UserError("--max-parallel: expected an integer >= 0, was " + a.maxParallel);
            }
            if (a.maxParallel > 0) {
                o = o.withMaxParallel(a.maxParallel);
            }
            if (a.gres) {
                o = o.withGres(true);
            }
            if (a.noGpus) {
                o = o.withoutGpus();
            }
            if (!ctx.env().containsKey(StoreAccess.PASSWORD_ENV) && !ctx.env().containsKey(StoreAccess.PASSWORD_FILE_ENV)) {
                err.println("qmeter cluster submit: warning: neither " + StoreAccess.PASSWORD_ENV + " nor "
                        + StoreAccess.PASSWORD_FILE_ENV + " is set here; the tasks get this environment from sbatch "
                        + "and need one of them to reach the store");
                err.flush();
            }
            Path onNodes = a.planPath != null ? a.planPath : planFile.toAbsolutePath();
            SlurmExecutor slurm = new SlurmExecutor(o, ctx.slurm(), Sizing.Assumptions.defaults());
            SlurmExecutor.Submission s = slurm.submit(plan, onNodes);
            out.printf(Locale.ROOT, "submitted plan %s: %d configurations in %d job arrays%n", plan.id(),
                    plan.configurations().size(), s.arrays().size());
            List<String> ids = new ArrayList<>();
            for (SlurmExecutor.SubmittedArray arr : s.arrays()) {
                ids.add(arr.jobId());
                out.printf(Locale.ROOT, "  array job %s: %s x%d, plan indices %s, script %s%n", arr.jobId(),
                        arr.group().gpu(), arr.group().gpus(), arr.group().indices(), arr.script());
            }
            out.println("progress: qmeter cluster progress --plan " + planFile + " --store " + url + " --watch");
            out.println("cancel:   qmeter cluster cancel --slurm " + String.join(" ", ids));
            out.flush();
            return ExitCodes.OK;
        }

        private int k8s(CliContext ctx, Plan plan, K8sArgs a, PrintWriter out) {
            KubernetesOptions o = KubernetesOptions.of(a.namespace, a.image, a.secret);
            Map<String, Map<String, String>> selectors = new LinkedHashMap<>();
            for (String s : a.nodeSelectors) {
                String[] p = s.split("=", 3);
                if (p.length != 3 || p[0].isBlank() || p[1].isBlank()) {
                    throw new UserError("--node-selector: expected GPU=LABEL=VALUE, e.g. "
                            + "H100=nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3, was " + s);
                }
                selectors.computeIfAbsent(p[0], k -> new LinkedHashMap<>()).put(p[1], p[2]);
            }
            for (var e : selectors.entrySet()) {
                o = o.withNodeSelector(e.getKey(), e.getValue());
            }
            if (a.parallelism < 0) {
                throw new UserError("--parallelism: expected an integer >= 0, was " + a.parallelism);
            }
            if (a.parallelism > 0) {
                o = o.withParallelism(a.parallelism);
            }
            if (a.activeDeadline != null) {
                o = o.withActiveDeadline(CliValues.duration("--active-deadline", a.activeDeadline));
            }
            try (KubernetesClient client = ctx.k8s().get()) {
                KubernetesExecutor.Submission s;
                try {
                    s = new KubernetesExecutor(client, o).submit(plan);
                } catch (IllegalStateException missingSecret) {
                    throw new UserError("--secret: " + missingSecret.getMessage(), missingSecret);
                }
                out.printf(Locale.ROOT, "submitted plan %s to namespace %s: ConfigMap %s, %d Indexed Jobs%n", plan.id(),
                        a.namespace, s.configMap(), s.jobs().size());
                List<String> cancel = new ArrayList<>();
                for (KubernetesExecutor.SubmittedJob j : s.jobs()) {
                    out.printf(Locale.ROOT, "  job %s: %s x%d, plan indices %s%n", j.name(), j.group().gpu(),
                            j.group().gpus(), j.group().indices());
                    cancel.add("--job " + j.name());
                }
                out.println("cancel: qmeter cluster cancel --k8s --namespace " + a.namespace + " --config-map "
                        + s.configMap() + " " + String.join(" ", cancel));
                out.flush();
            }
            return ExitCodes.OK;
        }

        /** {@code GPU=VALUE} or {@code VALUE}: {GPU or null, VALUE}; a named GPU must be in the plan. */
        private static String[] perGpu(String option, String text, Set<String> gpus) {
            int eq = text.indexOf('=');
            if (eq < 0) {
                if (text.isBlank()) {
                    throw new UserError(option + ": expected a value, was empty");
                }
                return new String[] {null, text};
            }
            String gpu = text.substring(0, eq);
            if (!gpus.contains(gpu)) {
                throw new UserError(option + ": GPU type '" + gpu + "' is not in the plan (its GPU types: " + gpus + ")");
            }
            return new String[] {gpu, text.substring(eq + 1)};
        }

        /** The jar (or classes folder) this command runs from, as the nodes' class path. */
        static String ownJar() {
            try {
                return Path.of(Qmeter.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            } catch (java.net.URISyntaxException | RuntimeException e) {
                throw new UserError("--class-path: cannot tell where qMeter's jar is (" + e.getMessage()
                        + "); pass --class-path", e);
            }
        }
    }

    /** {@code qmeter cluster progress --plan plan.json --store URL [--watch]}. */
    @Command(name = "progress", mixinStandardHelpOptions = true,
            description = {"Shows a cluster run's progress from the shared store: points done, invalid, failed, "
                    + "running (their configuration claimed by a live task), waiting and cancelled (stopped midway: "
                    + "they run again when the plan is resubmitted), in total and per node.",
                    "--watch re-renders every --interval until every point is stored or --deadline passes."},
            footer = {"", "Example: qmeter cluster progress --plan plan.json --store jdbc:postgresql://db:5432/qmeter "
                    + "--watch --interval 30s --deadline 12h",
                    "Exit codes: 0 no point failed or is invalid (and, with --watch, the plan completed); 1 some point "
                            + "failed or is invalid, or --watch's deadline passed first; 2 bad input."})
    public static final class ProgressCommand implements Callable<Integer> {

        @Option(names = "--plan", required = true, paramLabel = "FILE", description = "The plan file.")
        Path planFile;

        @Option(names = "--store", paramLabel = "URL",
                description = "The shared store, jdbc:postgresql://host:5432/db (else QMETER_PG_URL).")
        String store;

        @CommandLine.Mixin
        StoreOptions storeOptions = new StoreOptions();

        @Option(names = "--watch", description = "Re-render until the plan is complete or --deadline passes.")
        boolean watch;

        @Option(names = "--interval", defaultValue = "10s", paramLabel = "DURATION",
                description = "Time between two renders with --watch (default: ${DEFAULT-VALUE}).")
        String interval;

        @Option(names = "--deadline", defaultValue = "24h", paramLabel = "DURATION",
                description = "How long --watch watches at most (default: ${DEFAULT-VALUE}).")
        String deadline;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Creates the command (picocli instantiates it). */
        public ProgressCommand() {
        }

        @Override
        public Integer call() throws InterruptedException {
            CliContext ctx = CliContext.of(spec);
            Duration every = CliValues.duration("--interval", interval);
            Duration max = CliValues.duration("--deadline", deadline);
            if (every.isZero() || every.isNegative()) {
                throw new UserError("--interval: expected a duration > 0, was " + interval);
            }
            if (max.isNegative()) {
                throw new UserError("--deadline: expected a duration >= 0, was " + deadline);
            }
            if (store != null && !StoreOptions.isPostgres(store)) {
                throw new UserError("--store: expected jdbc:postgresql://host:5432/db, was " + store);
            }
            Plan plan = PlanFiles.read(planFile);
            StoreAccess a = storeOptions.access("--store", Optional.ofNullable(store), ctx.env());
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Instant end = ctx.clock().instant().plus(max);
            try (ResultStore rs = ResultStore.postgres(a.url(), a.user(), a.password());
                 ClaimStore claims = ClaimStore.postgres(a.url(), a.user(), a.password())) {
                while (true) {
                    ClusterProgress.Snapshot s = ClusterProgress.of(plan, rs, claims);
                    if (watch) {
                        out.println("-- " + ctx.clock().instant());
                    }
                    out.print(s.render());
                    out.flush();
                    boolean bad = s.total().failed() > 0 || s.total().invalid() > 0;
                    if (!watch) {
                        return bad ? ExitCodes.FAILED : ExitCodes.OK;
                    }
                    if (s.isComplete()) {
                        out.println("plan " + plan.id() + " complete");
                        out.flush();
                        return bad ? ExitCodes.FAILED : ExitCodes.OK;
                    }
                    Instant now = ctx.clock().instant();
                    if (!now.isBefore(end)) {
                        err.println("qmeter cluster progress: --deadline " + deadline + " passed with "
                                + (s.total().points() - s.total().stored()) + " points not done");
                        err.flush();
                        return ExitCodes.FAILED;
                    }
                    Duration left = Duration.between(now, end);
                    ctx.pauser().pause(left.compareTo(every) < 0 ? left : every);
                }
            }
        }
    }

    /** {@code qmeter cluster cancel --slurm JOBID.. | --k8s --namespace NS --config-map CM --job NAME..}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancels a submitted plan: scancel of its job arrays (SIGTERM first: the tasks release their "
                    + "claims), or deletion of its Kubernetes Jobs and ConfigMap. 'cluster submit' prints the exact "
                    + "command.",
                    "What was stored stays; submitting the plan again runs only what is missing."},
            footer = {"", "Examples:", "  qmeter cluster cancel --slurm 4242 4243",
                    "  qmeter cluster cancel --k8s --namespace bench --config-map qmeter-plan-x --job qmeter-x-h100-tp2",
                    "Exit codes: 0 cancelled, 1 the scheduler refused, 2 bad input."})
    public static final class CancelCommand implements Callable<Integer> {

        @Option(names = "--slurm", description = "Cancel Slurm job arrays (the job ids as parameters).")
        boolean slurm;

        @Option(names = "--k8s", description = "Delete Kubernetes Jobs (--job) and the plan's ConfigMap (--config-map).")
        boolean k8s;

        @Parameters(paramLabel = "JOBID", arity = "0..*", description = "Slurm job ids of the arrays.")
        List<String> jobIds = new ArrayList<>();

        @Option(names = "--namespace", defaultValue = "default", paramLabel = "NS",
                description = "Kubernetes namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--job", paramLabel = "NAME", description = "A Kubernetes Job of the plan (repeatable).")
        List<String> jobs = new ArrayList<>();

        @Option(names = "--config-map", paramLabel = "NAME", description = "The plan's ConfigMap.")
        String configMap;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Creates the command (picocli instantiates it). */
        public CancelCommand() {
        }

        @Override
        public Integer call() {
            CliContext ctx = CliContext.of(spec);
            PrintWriter out = spec.commandLine().getOut();
            if (slurm == k8s) {
                throw new UserError("--slurm / --k8s: give exactly one");
            }
            if (slurm) {
                if (jobIds.isEmpty()) {
                    throw new UserError("JOBID: give the job ids of the arrays ('cluster submit' printed them)");
                }
                for (String id : jobIds) {
                    if (!id.matches("\\d+")) {
                        throw new UserError("JOBID: expected a Slurm job id (digits), was " + id);
                    }
                }
                List<SlurmExecutor.SubmittedArray> arrays = jobIds.stream().map(id -> new SlurmExecutor.SubmittedArray(
                        id, new SlurmExecutor.ArrayGroup("-", 0, List.of()), Path.of("-"))).toList();
                // scancel needs only the job ids; the store, class path and folder are not used
                new SlurmExecutor(SlurmOptions.of("-", Path.of("."), "jdbc:postgresql://-/-", "-"), ctx.slurm(),
                        Sizing.Assumptions.defaults()).cancel(new SlurmExecutor.Submission("-", arrays));
                out.println("cancelled Slurm jobs " + String.join(" ", jobIds));
            } else {
                if (!jobIds.isEmpty()) {
                    throw new UserError("JOBID: Slurm job ids do not go with --k8s; name Jobs with --job");
                }
                if (jobs.isEmpty() && configMap == null) {
                    throw new UserError("--job / --config-map: name the plan's Jobs and ConfigMap ('cluster submit' "
                            + "printed them)");
                }
                List<KubernetesExecutor.SubmittedJob> js = jobs.stream().map(n -> new KubernetesExecutor.SubmittedJob(n,
                        new SlurmExecutor.ArrayGroup("-", 0, List.of()))).toList();
                try (KubernetesClient client = ctx.k8s().get()) {
                    for (KubernetesExecutor.SubmittedJob j : js) {
                        client.batch().v1().jobs().inNamespace(namespace).withName(j.name())
                                .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                                .delete();
                    }
                    if (configMap != null) {
                        client.configMaps().inNamespace(namespace).withName(configMap).delete();
                    }
                }
                out.println("deleted " + jobs.size() + " Jobs" + (configMap == null ? "" : " and ConfigMap " + configMap)
                        + " in namespace " + namespace);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
