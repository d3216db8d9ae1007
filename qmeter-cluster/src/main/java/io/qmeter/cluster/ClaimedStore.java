package io.qmeter.cluster;

import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.cluster.claim.LeaseKeeper;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunKey;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoreException;
import io.qmeter.store.StoredRun;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The result store as one claimed configuration sees it: every put first checks that the lease
 * still holds (fencing: a holder whose lease was taken over stores nothing more), and with
 * {@link FailedPoints#RETRY} failed runs are not among the keys, so the coordinator runs them again.
 * Does not close the store it wraps.
 */
final class ClaimedStore implements ResultStore {

    private final ResultStore store;
    private final ClaimStore claims;
    private final LeaseKeeper keeper;
    private final FailedPoints failed;

    ClaimedStore(ResultStore store, ClaimStore claims, LeaseKeeper keeper, FailedPoints failed) {
        this.store = store;
        this.claims = claims;
        this.keeper = keeper;
        this.failed = failed;
    }

    /**
     * The keys a run of {@code planId} counts as done under {@code failed}: never a CANCELLED one (a
     * run stopped midway runs again, as the sweep coordinator does), FAILED ones only under
     * {@link FailedPoints#SKIP}.
     */
    static Set<RunKey> doneKeys(ResultStore store, String planId, FailedPoints failed) {
        return store.findByPlan(planId).stream()
                .filter(r -> r.status() != RunStatus.CANCELLED)
                .filter(r -> failed == FailedPoints.SKIP || r.status() != RunStatus.FAILED)
                .map(StoredRun::key)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean put(StoredRun run) {
        if (keeper.isLost() || !claims.holds(keeper.lease())) {
            throw new StoreException("not storing " + run.key().asString() + ": the claim on "
                    + keeper.lease().key() + " was lost (its lease ran out or another task took it over), so that "
                    + "task runs this point", null);
        }
        return store.put(run);
    }

    @Override
    public Optional<StoredRun> find(RunKey key) {
        return store.find(key);
    }

    @Override
    public List<StoredRun> findByPlan(String planId) {
        return store.findByPlan(planId);
    }

    @Override
    public Set<RunKey> keys(String planId) {
        return doneKeys(store, planId, failed);
    }

    @Override
    public List<StoredRun> list() {
        return store.list();
    }

    @Override
    public long count() {
        return store.count();
    }

    @Override
    public long count(String planId) {
        return store.count(planId);
    }

    @Override
    public int schemaVersion() {
        return store.schemaVersion();
    }

    @Override
    public void close() {
        // the caller owns the wrapped store
    }
}
