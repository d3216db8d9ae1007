package io.qmeter.cluster.claim;

import java.time.Instant;
import java.util.Objects;

/**
 * Proof that this process holds a claim: returned by {@link ClaimStore#tryClaim}, passed back to
 * renew and release it. The attempt number fences it: once someone else took the claim, renewing
 * or releasing this lease is refused.
 *
 * <pre>{@code
 * Lease l = claims.tryClaim(plan, key, owner, node, Duration.ofMinutes(2)).orElseThrow();
 * claims.release(l, ClaimState.DONE, "");
 * }</pre>
 *
 * @param key        the claim key
 * @param owner      this process's owner id
 * @param attempt    the attempt number this lease was granted as
 * @param leaseUntil when it runs out unless renewed (as granted)
 */
public record Lease(String key, String owner, int attempt, Instant leaseUntil) {

    /** Checks every component is given. */
    public Lease {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
    }
}
