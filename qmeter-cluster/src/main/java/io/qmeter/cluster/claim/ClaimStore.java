package io.qmeter.cluster.claim;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Leases on pieces of work in a PostgreSQL table {@code qmeter_claim} (created when missing, in
 * the connection's current schema, beside the result store's {@code qmeter_*} tables):
 * {@code claim_key} (primary key), {@code plan_id}, {@code owner}, {@code node}, {@code state},
 * {@code lease_until_ms}, {@code heartbeat_ms}, {@code attempt}, {@code claimed_at_ms},
 * {@code cause}.
 *
 * <p><b>Guarantees.</b> {@link #tryClaim} is one {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE}
 * statement: PostgreSQL locks the row, so of any number of processes claiming one key at once
 * exactly one gets a {@link Lease}. A claim is taken over only when it was released or its lease ran
 * out; the holder keeps it by {@link #renew renewing} (see {@link LeaseKeeper}). Every taking
 * increments {@code attempt}, and renew, release and {@link #holds} check owner and attempt, so a
 * holder whose lease was taken over learns it and cannot release the new holder's claim.
 *
 * <p><b>Time.</b> Lease times come from the {@link Clock} given (the system clock by default), so the
 * nodes' clocks must agree to well within a lease (NTP does); tests pass a clock they move by hand.
 *
 * <pre>{@code
 * try (ClaimStore claims = ClaimStore.postgres(url, user, password)) {
 *     Optional<Lease> l = claims.tryClaim("plan-1", "plan-1/cfg-a", "host:123", "host", Duration.ofMinutes(2));
 *     l.ifPresent(lease -> claims.release(lease, ClaimState.DONE, ""));
 * }
 * }</pre>
 */
public final class ClaimStore implements AutoCloseable {

    /** The table's name. */
    public static final String TABLE = "qmeter_claim";

    private static final long CREATE_LOCK = 0x716d657465720001L; // "qmeter" + 1: advisory lock for the DDL

    private final Connection connection;
    private final Clock clock;
    private final String description;
    private boolean closed;

    private ClaimStore(Connection connection, Clock clock, String description) throws SQLException {
        this.connection = connection;
        this.clock = clock;
        this.description = description;
        createTable();
    }

    /**
     * Connects to PostgreSQL with the system clock and creates the table when missing.
     *
     * @param jdbcUrl  for example {@code jdbc:postgresql://127.0.0.1:5432/qmeter}
     * @param user     the user
     * @param password the password (never logged)
     * @return the store
     * @throws ClaimException when the server cannot be reached or the table cannot be created
     */
    public static ClaimStore postgres(String jdbcUrl, String user, String password) {
        return postgres(jdbcUrl, user, password, Clock.systemUTC());
    }

    /**
     * Connects to PostgreSQL with the given clock for lease times.
     *
     * @param jdbcUrl  the JDBC URL
     * @param user     the user
     * @param password the password (never logged)
     * @param clock    the clock of lease times
     * @return the store
     * @throws ClaimException when the server cannot be reached or the table cannot be created
     */
    public static ClaimStore postgres(String jdbcUrl, String user, String password, Clock clock) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(clock, "clock");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the claims table needs PostgreSQL: expected a jdbc:postgresql:// URL, "
                    + "was " + redact(jdbcUrl) + ". Cluster runs share one PostgreSQL store (see docs/cluster.md)");
        }
        Properties p = new Properties();
        p.setProperty("user", Objects.requireNonNull(user, "user"));
        p.setProperty("password", Objects.requireNonNull(password, "password"));
        try {
            Connection c = DriverManager.getConnection(jdbcUrl, p);
            c.setAutoCommit(true);
            return new ClaimStore(c, clock, "claims at " + redact(jdbcUrl));
        } catch (SQLException e) {
            throw new ClaimException("could not open the claims table at " + redact(jdbcUrl) + " as " + user + ": "
                    + e.getMessage() + " (is the server running and the user allowed?)", e);
        }
    }

    /** The URL without a password parameter, for logs and messages. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    private void createTable() throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            // two processes creating the table at once would race in the catalogue
            s.execute("SELECT pg_advisory_xact_lock(" + CREATE_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "claim_key VARCHAR(700) NOT NULL PRIMARY KEY, plan_id VARCHAR(200) NOT NULL,"
                    + " owner VARCHAR(300) NOT NULL, node VARCHAR(300) NOT NULL, state VARCHAR(16) NOT NULL,"
                    + " lease_until_ms BIGINT NOT NULL, heartbeat_ms BIGINT NOT NULL, attempt INTEGER NOT NULL,"
                    + " claimed_at_ms BIGINT NOT NULL, cause TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_plan ON " + TABLE + " (plan_id)");
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * The clock of lease times.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Takes the claim on {@code key} when nobody holds it (never claimed, released, or its lease ran
     * out); atomic across processes.
     *
     * @param planId the plan the work belongs to
     * @param key    the claim key
     * @param owner  this process's id (unique per process, e.g. host, pid and a random part)
     * @param node   the host, for progress per node
     * @param lease  how long the claim lasts unless renewed
     * @return the lease, or empty when someone else holds the claim
     * @throws ClaimException when the database fails
     */
    public synchronized Optional<Lease> tryClaim(String planId, String key, String owner, String node, Duration lease) {
        check();
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be > 0, was " + lease);
        }
        long now = clock.millis();
        long until = now + lease.toMillis();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + TABLE
                + " (claim_key, plan_id, owner, node, state, lease_until_ms, heartbeat_ms, attempt, claimed_at_ms, cause)"
                + " VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, 1, ?, NULL)"
                + " ON CONFLICT (claim_key) DO UPDATE SET owner = EXCLUDED.owner, node = EXCLUDED.node,"
                + " state = 'RUNNING', lease_until_ms = EXCLUDED.lease_until_ms, heartbeat_ms = EXCLUDED.heartbeat_ms,"
                + " attempt = " + TABLE + ".attempt + 1, claimed_at_ms = EXCLUDED.claimed_at_ms, cause = NULL"
                + " WHERE " + TABLE + ".state <> 'RUNNING' OR " + TABLE + ".lease_until_ms < ?"
                + " RETURNING attempt")) {
            ps.setString(1, key);
            ps.setString(2, planId);
            ps.setString(3, owner);
            ps.setString(4, node);
            ps.setLong(5, until);
            ps.setLong(6, now);
            ps.setLong(7, now);
            ps.setLong(8, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Lease(key, owner, rs.getInt(1), Instant.ofEpochMilli(until)));
            }
        } catch (SQLException e) {
            throw new ClaimException("claiming " + key + " failed at " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * Extends a lease to {@code lease} from now, when it is still this holder's (same owner and
     * attempt, not released). A lease that ran out but was not taken over is extended too.
     *
     * @param held  the lease
     * @param lease the new length from now
     * @return the renewed lease, or empty when someone else took the claim or it was released
     * @throws ClaimException when the database fails
     */
    public synchronized Optional<Lease> renew(Lease held, Duration lease) {
        check();
        long now = clock.millis();
        long until = now + lease.toMillis();
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE
                + " SET lease_until_ms = ?, heartbeat_ms = ? WHERE claim_key = ? AND owner = ? AND attempt = ?"
                + " AND state = 'RUNNING'")) {
            ps.setLong(1, until);
            ps.setLong(2, now);
            ps.setString(3, held.key());
            ps.setString(4, held.owner());
            ps.setInt(5, held.attempt());
            return ps.executeUpdate() == 1
                    ? Optional.of(new Lease(held.key(), held.owner(), held.attempt(), Instant.ofEpochMilli(until)))
                    : Optional.empty();
        } catch (SQLException e) {
            throw new ClaimException("renewing " + held.key() + " failed at " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether this lease still holds now: not taken over, not released, not run out. A writer checks
     * it before each result it stores (fencing), so a holder that lost its lease stores nothing more.
     *
     * @param held the lease
     * @return true when it holds
     * @throws ClaimException when the database fails
     */
    public synchronized boolean holds(Lease held) {
        check();
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM " + TABLE
                + " WHERE claim_key = ? AND owner = ? AND attempt = ? AND state = 'RUNNING' AND lease_until_ms >= ?")) {
            ps.setString(1, held.key());
            ps.setString(2, held.owner());
            ps.setInt(3, held.attempt());
            ps.setLong(4, clock.millis());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new ClaimException("checking " + held.key() + " failed at " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * Releases a lease: the claim is free to be taken again at once, and remembers how it ended.
     *
     * @param held  the lease
     * @param state {@link ClaimState#DONE} or {@link ClaimState#FAILED}
     * @param cause why it failed (empty for done)
     * @return false when the lease was no longer this holder's (nothing changed)
     * @throws ClaimException when the database fails
     */
    public synchronized boolean release(Lease held, ClaimState state, String cause) {
        check();
        if (state == ClaimState.RUNNING) {
            throw new IllegalArgumentException("release needs DONE or FAILED, was RUNNING");
        }
        long now = clock.millis();
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE
                + " SET state = ?, cause = ?, lease_until_ms = ?, heartbeat_ms = ?"
                + " WHERE claim_key = ? AND owner = ? AND attempt = ? AND state = 'RUNNING'")) {
            ps.setString(1, state.name());
            ps.setString(2, cause == null || cause.isEmpty() ? null : cause);
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.setString(5, held.key());
            ps.setString(6, held.owner());
            ps.setInt(7, held.attempt());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new ClaimException("releasing " + held.key() + " failed at " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * The claim on one key.
     *
     * @param key the claim key
     * @return the row, or empty when never claimed
     * @throws ClaimException when the database fails
     */
    public synchronized Optional<Claim> find(String key) {
        check();
        try (PreparedStatement ps = connection.prepareStatement(SELECT + " WHERE claim_key = ?")) {
            ps.setString(1, key);
            List<Claim> l = read(ps);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        } catch (SQLException e) {
            throw new ClaimException("reading " + key + " failed at " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every claim of a plan, by key.
     *
     * @param planId the plan
     * @return its claims
     * @throws ClaimException when the database fails
     */
    public synchronized List<Claim> claims(String planId) {
        check();
        try (PreparedStatement ps = connection.prepareStatement(SELECT + " WHERE plan_id = ? ORDER BY claim_key")) {
            ps.setString(1, planId);
            return read(ps);
        } catch (SQLException e) {
            throw new ClaimException("reading the claims of " + planId + " failed at " + description + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Deletes every claim of a plan (its stored results stay); for starting a plan's bookkeeping over.
     *
     * @param planId the plan
     * @return how many claims were deleted
     * @throws ClaimException when the database fails
     */
    public synchronized int forget(String planId) {
        check();
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE plan_id = ?")) {
            ps.setString(1, planId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new ClaimException("deleting the claims of " + planId + " failed at " + description + ": "
                    + e.getMessage(), e);
        }
    }

    private static final String SELECT = "SELECT claim_key, plan_id, owner, node, state, lease_until_ms, heartbeat_ms,"
            + " attempt, claimed_at_ms, cause FROM " + TABLE;

    private static List<Claim> read(PreparedStatement ps) throws SQLException {
        List<Claim> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Claim(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        ClaimState.valueOf(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6)),
                        Instant.ofEpochMilli(rs.getLong(7)), rs.getInt(8), Instant.ofEpochMilli(rs.getLong(9)),
                        Optional.ofNullable(rs.getString(10))));
            }
        }
        return out;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    /** Closes the connection; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing to keep: the leases in the table expire by themselves
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
