/**
 * Exactly-once claims through the shared PostgreSQL database: a {@code qmeter_claim} table of
 * leases with an expiry, so that two cluster tasks never run the same configuration of a plan and
 * a task killed mid-run leaves its work claimable again once its lease ran out.
 *
 * <pre>{@code
 * try (ClaimStore claims = ClaimStore.postgres(url, user, password)) {
 *     Optional<Lease> lease = claims.tryClaim("plan-1", "plan-1/vllm-fp16-tp1-h100-ef9ad0529d",
 *             "node7:4242", "node7", Duration.ofMinutes(2));
 * }
 * }</pre>
 */
package io.qmeter.cluster.claim;
