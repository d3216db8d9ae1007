package io.qmeter.cluster.claim;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the claims table: who holds (or last held) a piece of work, until when, and how often
 * it was taken.
 *
 * <pre>{@code
 * claims.find("plan-1/vllm-fp16-tp1-h100-ef9ad0529d").ifPresent(c -> System.out.println(c.node()));
 * }</pre>
 *
 * @param key        the claim key (a plan's configuration: {@code planId/configurationId})
 * @param planId     the plan it belongs to
 * @param owner      the process that holds or last held it
 * @param node       the host that process runs on
 * @param state      running, done or failed
 * @param leaseUntil when the lease runs out unless renewed
 * @param heartbeat  when the owner last renewed it
 * @param attempt    how many times it was taken, 1 for the first
 * @param claimedAt  when the current owner took it
 * @param cause      why the last holder failed, if it did
 */
public record Claim(String key, String planId, String owner, String node, ClaimState state, Instant leaseUntil,
                    Instant heartbeat, int attempt, Instant claimedAt, Optional<String> cause) {

    /** Checks every component is given. */
    public Claim {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(claimedAt, "claimedAt");
        Objects.requireNonNull(cause, "cause");
    }

    /**
     * Whether the work is held at {@code now}: running with a lease that has not run out.
     *
     * @param now the time to judge at
     * @return true when held
     */
    public boolean isHeldAt(Instant now) {
        return state == ClaimState.RUNNING && !leaseUntil.isBefore(now);
    }
}
