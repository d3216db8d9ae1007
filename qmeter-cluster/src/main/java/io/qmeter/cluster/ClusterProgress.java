package io.qmeter.cluster;

import io.qmeter.cluster.claim.Claim;
import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.PlanPoint;
import io.qmeter.sweep.QualityPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a cluster run of a plan stands, read from the shared store and its claims table (so any
 * machine can watch it, and nothing depends on the scheduler's own bookkeeping): points done
 * (stored OK), invalid, failed, running (not stored, their configuration held by a live task) and
 * waiting, in total and per node (the node that holds or last held each configuration).
 *
 * <pre>{@code
 * ClusterProgress.Snapshot s = ClusterProgress.of(plan, store, claims);
 * System.out.println(s.total().done() + "/" + s.total().points() + " done; " + s.byNode());
 * }</pre>
 */
public final class ClusterProgress {

    private ClusterProgress() {
    }

    /**
     * Point counts.
     *
     * @param points    all points (load and quality)
     * @param done      stored OK
     * @param invalid   stored INVALID (completed, does not count)
     * @param failed    stored FAILED
     * @param running   not stored, or stored CANCELLED, and their configuration held by a live task
     * @param waiting   not stored, nobody holding their configuration
     * @param cancelled stored CANCELLED (stopped midway: not done, run again when the plan is resubmitted),
     *                  nobody holding their configuration
     */
    public record Counts(int points, int done, int invalid, int failed, int running, int waiting, int cancelled) {

        /**
         * Counts without cancelled points.
         *
         * @param points  all points
         * @param done    stored OK
         * @param invalid stored INVALID
         * @param failed  stored FAILED
         * @param running held by a live task
         * @param waiting not held
         */
        public Counts(int points, int done, int invalid, int failed, int running, int waiting) {
            this(points, done, invalid, failed, running, waiting, 0);
        }

        /**
         * Counts with nothing.
         *
         * @return zeros
         */
        public static Counts zero() {
            return new Counts(0, 0, 0, 0, 0, 0, 0);
        }

        Counts plus(Counts o) {
            return new Counts(points + o.points, done + o.done, invalid + o.invalid, failed + o.failed,
                    running + o.running, waiting + o.waiting, cancelled + o.cancelled);
        }

        /**
         * Points stored as finished, in any status but CANCELLED (a cancelled point runs again).
         *
         * @return done + invalid + failed
         */
        public int stored() {
            return done + invalid + failed;
        }
    }

    /**
     * One configuration's state.
     *
     * @param index    its index in the plan (the Slurm array / Kubernetes completion index)
     * @param id       its configuration id
     * @param counts   its points
     * @param claim    its claim, if ever claimed
     * @param held     whether a live task holds it now
     */
    public record ConfigurationProgress(int index, String id, Counts counts, Optional<Claim> claim, boolean held) {

        /** Checks every component is given. */
        public ConfigurationProgress {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(counts, "counts");
            Objects.requireNonNull(claim, "claim");
        }
    }

    /**
     * The state of a plan at one instant.
     *
     * @param planId         the plan
     * @param at             when it was read
     * @param total          all points
     * @param configurations per configuration, in plan order
     * @param byNode         per node (configurations never claimed are under {@code "-"})
     */
    public record Snapshot(String planId, Instant at, Counts total, List<ConfigurationProgress> configurations,
                           Map<String, Counts> byNode) {

        /** Copies the lists. */
        public Snapshot {
            configurations = List.copyOf(configurations);
            byNode = Map.copyOf(byNode);
        }

        /**
         * Whether every point is stored as finished (OK, INVALID or FAILED; a CANCELLED one is not).
         *
         * @return true when nothing is running, waiting or cancelled
         */
        public boolean isComplete() {
            return total.running() == 0 && total.waiting() == 0 && total.cancelled() == 0;
        }

        /**
         * A few lines for a terminal: the totals, then one line per node.
         *
         * @return the text
         */
        public String render() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("plan %s: %d points, %d done, %d invalid, %d failed, %d running, %d waiting",
                    planId, total.points(), total.done(), total.invalid(), total.failed(), total.running(),
                    total.waiting()));
            if (total.cancelled() > 0) {
                b.append(String.format(", %d cancelled (run again when the plan is resubmitted)", total.cancelled()));
            }
            b.append(System.lineSeparator());
            new TreeMap<>(byNode).forEach((n, c) -> b.append(String.format(
                    "  %-24s done %d, invalid %d, failed %d, running %d%s%n", n, c.done(), c.invalid(), c.failed(),
                    c.running(), c.cancelled() > 0 ? ", cancelled " + c.cancelled() : "")));
            return b.toString();
        }
    }

    /**
     * Reads the state now.
     *
     * @param plan   the plan
     * @param store  the shared result store
     * @param claims its claims table
     * @return the snapshot
     */
    public static Snapshot of(Plan plan, ResultStore store, ClaimStore claims) {
        Instant now = claims.clock().instant();
        Map<RunKey, RunStatus> status = new HashMap<>();
        for (StoredRun r : store.findByPlan(plan.id())) {
            status.put(r.key(), r.status());
        }
        Map<String, Claim> byKey = new HashMap<>();
        for (Claim c : claims.claims(plan.id())) {
            byKey.put(c.key(), c);
        }
        List<ConfigurationProgress> configs = new ArrayList<>();
        Map<String, Counts> nodes = new TreeMap<>();
        Counts total = Counts.zero();
        List<EngineSettings> list = plan.configurations();
        List<PlanPoint> points = plan.points();
        List<QualityPoint> quality = plan.qualityPoints();
        for (int i = 0; i < list.size(); i++) {
            String cid = list.get(i).id();
            Optional<Claim> claim = Optional.ofNullable(byKey.get(RunPoint.claimKey(plan.id(), cid)));
            boolean held = claim.map(c -> c.isHeldAt(now)).orElse(false);
            int n = 0;
            int ok = 0;
            int invalid = 0;
            int failed = 0;
            int open = 0;
            int cancelled = 0;
            for (RunKey k : Stream.concat(points.stream().map(PlanPoint::key), quality.stream().map(QualityPoint::key))
                    .filter(k -> k.configurationId().equals(cid)).toList()) {
                n++;
                RunStatus s = status.get(k);
                if (s == null) {
                    open++;
                } else {
                    switch (s) {
                        case OK -> ok++;
                        case INVALID -> invalid++;
                        case FAILED -> failed++;
                        // stopped midway: not done; a task holding the configuration runs it again
                        case CANCELLED -> cancelled++;
                        default -> throw new IllegalStateException("unknown run status " + s);
                    }
                }
            }
            Counts c = new Counts(n, ok, invalid, failed, held ? open + cancelled : 0, held ? 0 : open,
                    held ? 0 : cancelled);
            configs.add(new ConfigurationProgress(i, cid, c, claim, held));
            nodes.merge(claim.map(Claim::node).orElse("-"), c, Counts::plus);
            total = total.plus(c);
        }
        return new Snapshot(plan.id(), now, total, configs, nodes);
    }
}
