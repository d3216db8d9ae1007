package io.qmeter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.cluster.claim.ClaimState;
import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.cluster.claim.Lease;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.sweep.Plan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A point stored as CANCELLED was stopped midway: it is not done, RunPoint runs it again (under either
 * failed-points policy), and progress shows it as cancelled, or running while a task holds its configuration.
 */
class CancelledPointsTest {

    @BeforeEach
    void pg() {
        Pg.assume();
    }

    private static StoredRun stored(RunKey k, RunStatus s) {
        return new StoredRun(k, s, s == RunStatus.OK ? null : s + " in the test", Map.of(), Map.of(), "{}",
                Instant.now());
    }

    @Test
    void aCancelledPointIsMissingAndShownAsCancelled() {
        Plan plan = ClusterPlans.plan(Pg.uniqueId("cancelled"), 1, 10, 2, 4, 8);
        String cid = plan.configurations().get(0).id();
        List<RunKey> keys = plan.points().stream().map(p -> p.key()).toList();
        try (ResultStore store = Pg.store(); ClaimStore claims = Pg.claims(Clock.systemUTC())) {
            store.put(stored(keys.get(0), RunStatus.OK));
            store.put(stored(keys.get(1), RunStatus.FAILED));
            store.put(stored(keys.get(2), RunStatus.CANCELLED));

            assertThat(RunPoint.missing(store, plan, cid, FailedPoints.SKIP)).containsExactly(keys.get(2));
            assertThat(RunPoint.missing(store, plan, cid, FailedPoints.RETRY))
                    .containsExactlyInAnyOrder(keys.get(1), keys.get(2));

            ClusterProgress.Snapshot idle = ClusterProgress.of(plan, store, claims);
            assertThat(idle.total()).isEqualTo(new ClusterProgress.Counts(3, 1, 0, 1, 0, 0, 1));
            assertThat(idle.isComplete()).isFalse();
            assertThat(idle.render()).contains("1 cancelled (run again when the plan is resubmitted)");

            Lease l = claims.tryClaim(plan.id(), RunPoint.claimKey(plan.id(), cid), "task", "node-y",
                    Duration.ofMinutes(5)).orElseThrow();
            ClusterProgress.Snapshot held = ClusterProgress.of(plan, store, claims);
            assertThat(held.byNode()).containsEntry("node-y", new ClusterProgress.Counts(3, 1, 0, 1, 1, 0, 0));
            claims.release(l, ClaimState.DONE, "");
        }
    }
}
