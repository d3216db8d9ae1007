package io.qmeter.cluster;

import io.qmeter.cluster.claim.ClaimState;
import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.cluster.claim.Lease;
import io.qmeter.cluster.claim.LeaseKeeper;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.PlanPoint;
import io.qmeter.sweep.QualityPoint;
import io.qmeter.sweep.SweepCoordinator;
import io.qmeter.sweep.SweepEvent;
import io.qmeter.sweep.SweepReport;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one configuration of a plan on this node, exactly once across a cluster: claims it in the
 * shared store's claims table, runs it (engine start, quality steps, saturation search, rate sweep)
 * through a {@link SweepCoordinator} on a plan narrowed to that configuration, stores every point
 * in the shared PostgreSQL store, and releases the claim. A configuration whose points are all
 * stored is skipped without a claim; one held by another live task is left to it. While it runs,
 * the lease is renewed; if it is lost (the task was cut off for longer than a lease and another
 * took over) the run stops and stores nothing more.
 *
 * <p>The entry point of every Slurm array task and Kubernetes pod:
 * <pre>{@code
 * java -cp "$QMETER_CP" io.qmeter.cluster.RunPoint --plan plan.json --index $SLURM_ARRAY_TASK_ID \
 *      --store jdbc:postgresql://db:5432/qmeter --user qmeter      # password: QMETER_PG_PASSWORD(_FILE)
 * }</pre>
 * Exit status: 0 ran, already complete, or held by another task; 2 bad arguments; 3 the lease was
 * lost; 1 any other error. It prints {@code CLAIMED}, {@code DONE <run key> <status>} and
 * {@code RELEASED} lines to standard output. SIGTERM (Slurm's {@code scancel}, a pod deletion)
 * stops the run and releases the claim at once; SIGKILL leaves it to expire after its lease.
 *
 * <p>The engines named by the plan come from {@link io.qmeter.engine.EngineFactory} on the class
 * path (add {@code qmeter-engines}; the testkit's {@code simulated} engine for tests).
 */
public final class RunPoint {

    private static final Logger LOG = LoggerFactory.getLogger(RunPoint.class);

    /** Exit status: the lease was lost to another task. */
    public static final int EXIT_LEASE_LOST = 3;
    /** Exit status: bad arguments. */
    public static final int EXIT_USAGE = 2;

    /**
     * What one task runs and how.
     *
     * <pre>{@code
     * RunPoint.Options o = RunPoint.Options.of(Path.of("plan.json"), 3).withLease(Duration.ofMinutes(2));
     * }</pre>
     *
     * @param plan         the plan file (the same on every node: a shared file system, a ConfigMap)
     * @param index        the configuration's 0-based index in the plan
     * @param node         this host's name, for progress per node
     * @param lease        how long a claim lasts without renewal
     * @param renewEvery   how often the lease is renewed
     * @param waitForClaim how long to wait for a claim held by another task to be released or run out
     * @param failedPoints what to do with points stored as failed
     * @param maxAttempts  attempts per point before it is stored as failed
     * @param clientLag    the client self-check's largest p99 lag, or empty for the default
     * @param clientRate   the client self-check's smallest achieved ÷ scheduled rate
     */
    public record Options(Path plan, int index, String node, Duration lease, Duration renewEvery,
                          Duration waitForClaim, FailedPoints failedPoints, int maxAttempts,
                          Optional<Duration> clientLag, double clientRate) {

        /** Checks the values. */
        public Options {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(failedPoints, "failedPoints");
            Objects.requireNonNull(clientLag, "clientLag");
            if (index < 0) {
                throw new IllegalArgumentException("index must be >= 0, was " + index);
            }
            if (lease.isNegative() || lease.isZero() || renewEvery.isNegative() || renewEvery.isZero()
                    || renewEvery.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("expected 0 < renewEvery < lease, was renewEvery " + renewEvery
                        + " and lease " + lease);
            }
            if (waitForClaim.isNegative()) {
                throw new IllegalArgumentException("waitForClaim must be >= 0, was " + waitForClaim);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
        }

        /**
         * Defaults: this host's name, a 2-minute lease renewed every 30 s, no wait for a held claim,
         * failed points skipped, 3 attempts, the default client self-check.
         *
         * @param plan  the plan file
         * @param index the configuration's index
         * @return the options
         */
        public static Options of(Path plan, int index) {
            return new Options(plan, index, localNode(System.getenv()), Duration.ofMinutes(2), Duration.ofSeconds(30),
                    Duration.ZERO, FailedPoints.SKIP, 3, Optional.empty(), 0.95);
        }

        /**
         * A copy with another lease length and renewal interval.
         *
         * @param length     the lease
         * @param renewEvery how often it is renewed (shorter than the lease)
         * @return the copy
         */
        public Options withLease(Duration length, Duration renewEvery) {
            return new Options(plan, index, node, length, renewEvery, waitForClaim, failedPoints, maxAttempts,
                    clientLag, clientRate);
        }

        /**
         * A copy that waits up to {@code max} for a claim another task holds.
         *
         * @param max the longest wait
         * @return the copy
         */
        public Options withWaitForClaim(Duration max) {
            return new Options(plan, index, node, lease, renewEvery, max, failedPoints, maxAttempts, clientLag,
                    clientRate);
        }

        /**
         * A copy with another failed-points policy.
         *
         * @param policy the policy
         * @return the copy
         */
        public Options withFailedPoints(FailedPoints policy) {
            return new Options(plan, index, node, lease, renewEvery, waitForClaim, policy, maxAttempts, clientLag,
                    clientRate);
        }

        /**
         * A copy with another node name.
         *
         * @param name the node
         * @return the copy
         */
        public Options withNode(String name) {
            return new Options(plan, index, name, lease, renewEvery, waitForClaim, failedPoints, maxAttempts,
                    clientLag, clientRate);
        }

        /**
         * A copy with other client self-check thresholds.
         *
         * @param maxLagP99       largest acceptable p99 schedule lag
         * @param minRateFraction smallest acceptable achieved ÷ scheduled rate
         * @return the copy
         */
        public Options withClientCheck(Duration maxLagP99, double minRateFraction) {
            return new Options(plan, index, node, lease, renewEvery, waitForClaim, failedPoints, maxAttempts,
                    Optional.of(maxLagP99), minRateFraction);
        }

        /**
         * A copy with another number of attempts per point.
         *
         * @param n at least 1
         * @return the copy
         */
        public Options withMaxAttempts(int n) {
            return new Options(plan, index, node, lease, renewEvery, waitForClaim, failedPoints, n, clientLag,
                    clientRate);
        }
    }

    /** How a task ended. */
    public enum Outcome {
        /** The configuration was claimed and run; its points are stored. */
        RAN,
        /** Every point was stored already; nothing was claimed. */
        ALREADY_COMPLETE,
        /** Another live task holds the configuration. */
        HELD_ELSEWHERE,
        /** The lease was lost midway; the task that took it over runs the rest. */
        LEASE_LOST,
        /** Cancelled (SIGTERM, or {@link #cancel()}); the claim was released. */
        CANCELLED
    }

    /**
     * What one task did.
     *
     * @param outcome  how it ended
     * @param claimKey the configuration's claim key
     * @param attempt  the claim's attempt number (0 when not claimed)
     * @param report   the coordinator's report when it ran
     */
    public record Result(Outcome outcome, String claimKey, int attempt, Optional<SweepReport> report) {

        /** Checks every component is given. */
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(claimKey, "claimKey");
            Objects.requireNonNull(report, "report");
        }
    }

    private final Options options;
    private final ResultStore store;
    private final ClaimStore claims;
    private final PrintStream out;
    private final AtomicReference<SweepCoordinator> running = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean cancelled;
    private volatile boolean lost;

    /**
     * A task over an open store and claims table (neither is closed by it).
     *
     * @param options what to run
     * @param store   the shared result store
     * @param claims  the claims table in the same database
     * @param out     where the CLAIMED / DONE / RELEASED lines go
     */
    public RunPoint(Options options, ResultStore store, ClaimStore claims, PrintStream out) {
        this.options = Objects.requireNonNull(options, "options");
        this.store = Objects.requireNonNull(store, "store");
        this.claims = Objects.requireNonNull(claims, "claims");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * The claim key of a plan's configuration: {@code planId/configurationId}.
     *
     * @param planId the plan
     * @param cid    the configuration id
     * @return the key
     */
    public static String claimKey(String planId, String cid) {
        return planId + "/" + cid;
    }

    /**
     * The plan's points (load and quality) of one configuration that are not done under {@code policy}.
     *
     * @param store  the store
     * @param plan   the plan
     * @param cid    the configuration id
     * @param policy the failed-points policy
     * @return the missing keys, in plan order
     */
    public static List<RunKey> missing(ResultStore store, Plan plan, String cid, FailedPoints policy) {
        Set<RunKey> done = ClaimedStore.doneKeys(store, plan.id(), policy);
        return Stream.concat(plan.points().stream().map(PlanPoint::key), plan.qualityPoints().stream()
                        .map(QualityPoint::key))
                .filter(k -> k.configurationId().equals(cid) && !done.contains(k)).toList();
    }

    /**
     * Claims and runs the configuration, blocking until it is done.
     *
     * @return what happened
     * @throws io.qmeter.sweep.PlanException when the plan file is invalid
     * @throws IllegalArgumentException when the index is outside the plan
     */
    public Result run() {
        try {
            return runClaimed();
        } finally {
            finished.countDown();
        }
    }

    private Result runClaimed() {
        Plan plan = Plan.read(options.plan());
        List<EngineSettings> configs = plan.configurations();
        if (options.index() >= configs.size()) {
            throw new IllegalArgumentException("--index " + options.index() + " is outside plan " + plan.id() + ", which "
                    + "has " + configs.size() + " configurations (indices 0.." + (configs.size() - 1) + "); submit the "
                    + "array with --array=0-" + (configs.size() - 1));
        }
        EngineSettings config = configs.get(options.index());
        String key = claimKey(plan.id(), config.id());
        if (missing(store, plan, config.id(), options.failedPoints()).isEmpty()) {
            println("COMPLETE " + key);
            return new Result(Outcome.ALREADY_COMPLETE, key, 0, Optional.empty());
        }
        String owner = options.node() + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
        Optional<Lease> lease = claimOrWait(plan.id(), key, owner);
        if (lease.isEmpty()) {
            String holder = claims.find(key).map(c -> c.owner() + " until " + c.leaseUntil()).orElse("?");
            println("HELD " + key + " by " + holder);
            return new Result(cancelled ? Outcome.CANCELLED : Outcome.HELD_ELSEWHERE, key, 0, Optional.empty());
        }
        Lease l = lease.get();
        println("CLAIMED " + key + " attempt=" + l.attempt() + " node=" + options.node() + " owner=" + owner);
        SweepCoordinator.Builder b;
        SweepReport report = null;
        ClaimState end = ClaimState.FAILED;
        String cause = "";
        try (LeaseKeeper keeper = LeaseKeeper.start(claims, l, options.lease(), options.renewEvery(), () -> {
            lost = true;
            stop();
        })) {
            ClaimedStore fenced = new ClaimedStore(store, claims, keeper, options.failedPoints());
            b = SweepCoordinator.builder(fenced).maxAttempts(options.maxAttempts()).listener(e -> {
                if (e instanceof SweepEvent.RunDone d) {
                    println("DONE " + d.key().asString() + " " + d.status());
                }
            });
            if (options.clientLag().isPresent()) {
                b = b.clientCheck(options.clientLag().get(), options.clientRate());
            }
            try (SweepCoordinator c = b.build()) {
                running.set(c);
                if (cancelled) {
                    c.cancel();
                }
                report = c.run(plan.withConfigurations(List.of(config)));
            } finally {
                running.set(null);
            }
            if (keeper.isLost()) {
                println("LOST " + key);
                return new Result(Outcome.LEASE_LOST, key, l.attempt(), Optional.of(report));
            }
            end = report.cancelled() ? ClaimState.FAILED : ClaimState.DONE;
            cause = report.cancelled() ? "cancelled on " + options.node() + " at " + Instant.now() : "";
            l = keeper.lease();
        } catch (RuntimeException e) {
            if (lost || !claims.holds(l)) {
                // a put refused by the fence, or the run stopped by the keeper: the new holder runs the rest
                println("LOST " + key + " (" + e.getMessage() + ")");
                return new Result(Outcome.LEASE_LOST, key, l.attempt(), Optional.empty());
            }
            cause = e.toString();
            throw e;
        } catch (Error e) {
            cause = e.toString();
            throw e;
        } finally {
            boolean released = claims.release(l, end, cause);
            println("RELEASED " + key + " " + end + (released ? "" : " (no longer ours)"));
        }
        return new Result(cancelled ? Outcome.CANCELLED : Outcome.RAN, key, l.attempt(), Optional.of(report));
    }

    private Optional<Lease> claimOrWait(String planId, String key, String owner) {
        long deadline = System.nanoTime() + options.waitForClaim().toNanos();
        boolean told = false;
        while (true) {
            Optional<Lease> l = claims.tryClaim(planId, key, owner, options.node(), options.lease());
            if (l.isPresent() || cancelled || System.nanoTime() >= deadline) {
                return l;
            }
            if (!told) {
                told = true;
                println("WAITING " + key + " held by " + claims.find(key).map(c -> c.owner() + " until "
                        + c.leaseUntil()).orElse("?"));
            }
            try {
                // a polling loop with a deadline: the holder renews or its lease runs out
                if (finishedOrCancelled(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)))) {
                    return Optional.empty();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private final CountDownLatch cancelLatch = new CountDownLatch(1);

    private boolean finishedOrCancelled(long millis) throws InterruptedException {
        return cancelLatch.await(millis, TimeUnit.MILLISECONDS);
    }

    private void stop() {
        SweepCoordinator c = running.get();
        if (c != null) {
            c.cancel();
        }
    }

    /** Stops the run (what was stored stays) and makes {@link #run()} release the claim; idempotent. */
    public void cancel() {
        cancelled = true;
        cancelLatch.countDown();
        stop();
    }

    /**
     * Waits until {@link #run()} returned or threw.
     *
     * @param max the longest wait
     * @return whether it ended
     * @throws InterruptedException when interrupted
     */
    public boolean awaitFinished(Duration max) throws InterruptedException {
        return finished.await(max.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void println(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * This host's name: Slurm's {@code SLURMD_NODENAME}, else {@code NODE_NAME} (set from the
     * Kubernetes downward API by the generated Jobs), else the local host name.
     *
     * @param env the environment
     * @return the node name
     */
    public static String localNode(Map<String, String> env) {
        for (String k : List.of("SLURMD_NODENAME", "NODE_NAME")) {
            String v = env.get(k);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /**
     * Runs one task from the command line and exits with its status (see the class comment).
     *
     * @param args {@code --plan FILE --index N [--indices I,J,..] [--store URL] [--user U]
     *             [--password-file F] [--lease DURATION] [--renew DURATION] [--wait DURATION]
     *             [--failed skip|retry] [--max-attempts N] [--client-check LAG,RATE] [--node NAME]}
     */
    public static void main(String[] args) {
        System.exit(execute(args, System.getenv(), System.out, System.err));
    }

    /**
     * The command line without the exit: parses, opens the store and claims table, runs, closes.
     *
     * @param args the arguments (see {@link #main})
     * @param env  the environment (the password comes from here or a file, never from args)
     * @param out  standard output
     * @param err  standard error
     * @return the exit status
     */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> a;
        Options o;
        StoreAccess access;
        try {
            a = parse(args);
            int index = integer(a, "--index", -1);
            if (!a.containsKey("--plan") || index < 0) {
                throw new IllegalArgumentException("--plan FILE and --index N are required");
            }
            if (a.containsKey("--indices")) {
                // a Kubernetes Job of one GPU shape: its completion index picks among these plan indices
                String[] list = a.get("--indices").split(",");
                if (index >= list.length) {
                    throw new IllegalArgumentException("--index " + index + " is outside --indices " + a.get("--indices"));
                }
                index = Integer.parseInt(list[index].strip());
            }
            o = Options.of(Path.of(a.get("--plan")), index).withNode(a.getOrDefault("--node", localNode(env)))
                    .withLease(duration(a, "--lease", Duration.ofMinutes(2)), duration(a, "--renew",
                            Duration.ofSeconds(30)))
                    .withWaitForClaim(duration(a, "--wait", Duration.ZERO))
                    .withFailedPoints(FailedPoints.valueOf(a.getOrDefault("--failed", "skip").toUpperCase(Locale.ROOT)))
                    .withMaxAttempts(integer(a, "--max-attempts", 3));
            if (a.containsKey("--client-check")) {
                String[] p = a.get("--client-check").split(",");
                o = o.withClientCheck(Duration.parse(p[0]), Double.parseDouble(p[1]));
            }
            access = StoreAccess.resolve(Optional.ofNullable(a.get("--store")), Optional.ofNullable(a.get("--user")),
                    Optional.ofNullable(a.get("--password-file")).map(Path::of), env);
        } catch (RuntimeException e) {
            err.println("RunPoint: " + e.getMessage());
            err.println("usage: RunPoint --plan FILE --index N [--indices I,J,..] [--store jdbc:postgresql://..] "
                    + "[--user U] [--password-file F] [--lease PT2M] [--renew PT30S] [--wait PT0S] "
                    + "[--failed skip|retry] [--max-attempts N] [--client-check PT0.005S,0.95] [--node NAME]; "
                    + "the password comes from " + StoreAccess.PASSWORD_ENV + " or " + StoreAccess.PASSWORD_FILE_ENV);
            return EXIT_USAGE;
        }
        try (ResultStore store = ResultStore.postgres(access.url(), access.user(), access.password());
             ClaimStore claims = ClaimStore.postgres(access.url(), access.user(), access.password())) {
            RunPoint task = new RunPoint(o, store, claims, out);
            Thread hook = new Thread(() -> {
                // SIGTERM: stop, let run() release the claim, then let the JVM go
                task.cancel();
                try {
                    task.awaitFinished(Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "qmeter-runpoint-sigterm");
            Runtime.getRuntime().addShutdownHook(hook);
            Result r = task.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            r.report().ifPresent(rep -> out.println("REPORT " + r.claimKey() + " skipped=" + rep.skipped() + " ok="
                    + rep.ok() + " invalid=" + rep.invalid() + " failed=" + rep.failed() + " cancelled="
                    + rep.cancelled()));
            out.flush();
            return r.outcome() == Outcome.LEASE_LOST ? EXIT_LEASE_LOST : 0;
        } catch (RuntimeException e) {
            LOG.error("RunPoint failed", e);
            err.println("RunPoint: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        List<String> l = new ArrayList<>(List.of(args));
        for (int i = 0; i < l.size(); i++) {
            String k = l.get(i);
            if (!k.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + k + "'");
            }
            if (k.equals("--password")) {
                throw new IllegalArgumentException("--password is not accepted: a password on the command line shows in "
                        + "ps, job scripts and logs. Set " + StoreAccess.PASSWORD_ENV + " or use --password-file");
            }
            int eq = k.indexOf('=');
            if (eq > 0) {
                m.put(k.substring(0, eq), k.substring(eq + 1));
            } else if (i + 1 < l.size()) {
                m.put(k, l.get(++i));
            } else {
                throw new IllegalArgumentException(k + " needs a value");
            }
        }
        return m;
    }

    private static int integer(Map<String, String> a, String k, int dflt) {
        String v = a.get(k);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + ": expected an integer, was '" + v + "'");
        }
    }

    private static Duration duration(Map<String, String> a, String k, Duration dflt) {
        String v = a.get(k);
        if (v == null) {
            return dflt;
        }
        try {
            return Duration.parse(v.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(k + ": expected an ISO-8601 duration like PT2M or PT30S, was '" + v + "'");
        }
    }
}
