package io.qmeter.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC store behind {@link ResultStore#sqlite} and {@link ResultStore#postgres}: one connection,
 * one transaction per put, runs in {@code qmeter_run}, labels and metrics as key/value rows in
 * {@code qmeter_run_label} and {@code qmeter_run_metric}, versions in {@code qmeter_schema_version}.
 */
final class JdbcResultStore implements ResultStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcResultStore.class);

    /** The schema, one migration per version; never edit a released migration, add one. */
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "runs, labels and metrics", List.of(
                    "CREATE TABLE qmeter_run ("
                            + " run_key VARCHAR(700) NOT NULL PRIMARY KEY,"
                            + " plan_id VARCHAR(200) NOT NULL,"
                            + " configuration_id VARCHAR(200) NOT NULL,"
                            + " rate_label VARCHAR(200) NOT NULL,"
                            + " repetition INTEGER NOT NULL,"
                            + " status VARCHAR(16) NOT NULL,"
                            + " cause TEXT,"
                            + " payload TEXT NOT NULL,"
                            + " recorded_at_ms BIGINT NOT NULL)",
                    "CREATE INDEX qmeter_run_plan ON qmeter_run (plan_id)",
                    "CREATE TABLE qmeter_run_label ("
                            + " run_key VARCHAR(700) NOT NULL REFERENCES qmeter_run (run_key) ON DELETE CASCADE,"
                            + " name VARCHAR(200) NOT NULL,"
                            + " value TEXT NOT NULL,"
                            + " PRIMARY KEY (run_key, name))",
                    "CREATE TABLE qmeter_run_metric ("
                            + " run_key VARCHAR(700) NOT NULL REFERENCES qmeter_run (run_key) ON DELETE CASCADE,"
                            + " name VARCHAR(200) NOT NULL,"
                            + " value DOUBLE PRECISION,"
                            + " PRIMARY KEY (run_key, name))")),
            new Migration(2, "index metrics by name", List.of(
                    "CREATE INDEX qmeter_run_metric_name ON qmeter_run_metric (name)")));

    record Migration(int version, String description, List<String> statements) {
    }

    enum Dialect { SQLITE, POSTGRES }

    private final Dialect dialect;
    private final String description;
    private final Connection connection;
    private final int schemaVersion;
    private boolean closed;

    private JdbcResultStore(Dialect dialect, String description, Connection connection, int targetVersion) {
        this.dialect = dialect;
        this.description = description;
        this.connection = connection;
        try {
            this.schemaVersion = migrate(targetVersion);
        } catch (SQLException e) {
            closeQuietly();
            throw new StoreException("could not prepare the schema of " + description + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    static JdbcResultStore openSqlite(Path file) {
        return openSqlite(file, MIGRATIONS.size());
    }

    static JdbcResultStore openSqlite(Path file, int targetVersion) {
        Objects.requireNonNull(file, "file");
        Path abs = file.toAbsolutePath();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("could not create the folder of " + abs + ": " + e.getMessage(), e);
        }
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        p.setProperty("busy_timeout", "30000");
        p.setProperty("foreign_keys", "true");
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + abs, p);
            return new JdbcResultStore(Dialect.SQLITE, "SQLite " + abs, c, targetVersion);
        } catch (SQLException e) {
            throw new StoreException("could not open SQLite store " + abs + ": " + e.getMessage()
                    + " (is the file a database and writable?)", e);
        }
    }

    static JdbcResultStore openPostgres(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, was '" + jdbcUrl + "'");
        }
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new StoreException("the PostgreSQL driver is not on the class path; add the dependency "
                    + "org.postgresql:postgresql", e);
        }
        try {
            Connection c = DriverManager.getConnection(jdbcUrl, user, password);
            return new JdbcResultStore(Dialect.POSTGRES, "PostgreSQL " + redact(jdbcUrl), c, MIGRATIONS.size());
        } catch (SQLException e) {
            throw new StoreException("could not connect to " + redact(jdbcUrl) + " as " + user + ": " + e.getMessage()
                    + " (is the server running and the user allowed?)", e);
        }
    }

    /** The URL without a password parameter, for logs and messages. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    private int migrate(int targetVersion) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS qmeter_schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                    + " description VARCHAR(200) NOT NULL, applied_at_ms BIGINT NOT NULL)");
        }
        connection.setAutoCommit(false);
        try {
            try (Statement s = connection.createStatement()) {
                if (dialect == Dialect.POSTGRES) {
                    s.execute("LOCK TABLE qmeter_schema_version IN ACCESS EXCLUSIVE MODE");
                } else {
                    // a write as the first statement takes SQLite's write lock (waiting for it) before
                    // anything is read, so two processes migrating at once do not deadlock
                    s.executeUpdate("DELETE FROM qmeter_schema_version WHERE version < 0");
                }
            }
            int current = currentVersion();
            if (current > MIGRATIONS.size()) {
                throw new StoreException(description + " has schema version " + current + " but this qMeter knows "
                        + "versions up to " + MIGRATIONS.size() + "; upgrade qMeter to read it", null);
            }
            for (Migration m : MIGRATIONS) {
                if (m.version() <= current || m.version() > targetVersion) {
                    continue;
                }
                LOG.info("migrating {} to schema version {} ({})", description, m.version(), m.description());
                try (Statement s = connection.createStatement()) {
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO qmeter_schema_version (version, description, applied_at_ms) VALUES (?, ?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.description());
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                current = m.version();
            }
            connection.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private int currentVersion() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(version) FROM qmeter_schema_version")) {
            rs.next();
            return rs.getInt(1); // 0 when empty (NULL)
        }
    }

    @Override
    public synchronized int schemaVersion() {
        ensureOpen();
        return schemaVersion;
    }

    @Override
    public synchronized boolean put(StoredRun run) {
        Objects.requireNonNull(run, "run");
        ensureOpen();
        String key = run.key().asString();
        try {
            connection.setAutoCommit(false);
            // a write first: SQLite takes its write lock before reading anything, PostgreSQL the row lock
            boolean inserted;
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO qmeter_run (run_key, plan_id,"
                    + " configuration_id, rate_label, repetition, status, cause, payload, recorded_at_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_key) DO NOTHING")) {
                ps.setString(1, key);
                ps.setString(2, run.key().planId());
                ps.setString(3, run.key().configurationId());
                ps.setString(4, run.key().rateLabel());
                ps.setInt(5, run.key().repetition());
                ps.setString(6, run.status().name());
                ps.setString(7, run.cause());
                ps.setString(8, run.payloadJson());
                ps.setLong(9, run.recordedAt().toEpochMilli());
                inserted = ps.executeUpdate() == 1;
            }
            if (!inserted) {
                try (PreparedStatement ps = connection.prepareStatement("UPDATE qmeter_run SET status = ?, cause = ?,"
                        + " payload = ?, recorded_at_ms = ? WHERE run_key = ?")) {
                    ps.setString(1, run.status().name());
                    ps.setString(2, run.cause());
                    ps.setString(3, run.payloadJson());
                    ps.setLong(4, run.recordedAt().toEpochMilli());
                    ps.setString(5, key);
                    ps.executeUpdate();
                }
            }
            for (String table : List.of("qmeter_run_label", "qmeter_run_metric")) {
                try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE run_key = ?")) {
                    ps.setString(1, key);
                    ps.executeUpdate();
                }
            }
            if (!run.labels().isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO qmeter_run_label (run_key, name, value) VALUES (?, ?, ?)")) {
                    for (Map.Entry<String, String> e : run.labels().entrySet()) {
                        ps.setString(1, key);
                        ps.setString(2, e.getKey());
                        ps.setString(3, e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!run.metrics().isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO qmeter_run_metric (run_key, name, value) VALUES (?, ?, ?)")) {
                    for (Map.Entry<String, Double> e : run.metrics().entrySet()) {
                        ps.setString(1, key);
                        ps.setString(2, e.getKey());
                        if (e.getValue().isNaN()) {
                            ps.setNull(3, Types.DOUBLE);
                        } else {
                            ps.setDouble(3, e.getValue());
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            connection.commit();
            return inserted;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new StoreException("could not store run " + key + " in " + description + ": " + e.getMessage()
                    + "; nothing of it was kept, put it again", e);
        } finally {
            autoCommitQuietly();
        }
    }

    @Override
    public synchronized Optional<StoredRun> find(RunKey key) {
        Objects.requireNonNull(key, "key");
        List<StoredRun> runs = load("r.run_key = ?", key.asString());
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    @Override
    public synchronized boolean contains(RunKey key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        return read("SELECT 1 FROM qmeter_run WHERE run_key = ?", rs -> rs.next(), key.asString());
    }

    @Override
    public synchronized List<StoredRun> findByPlan(String planId) {
        Objects.requireNonNull(planId, "planId");
        return load("r.plan_id = ?", planId);
    }

    @Override
    public synchronized Set<RunKey> keys(String planId) {
        Objects.requireNonNull(planId, "planId");
        ensureOpen();
        return read("SELECT run_key FROM qmeter_run WHERE plan_id = ?", rs -> {
            Set<RunKey> keys = new TreeSet<>();
            while (rs.next()) {
                keys.add(RunKey.parse(rs.getString(1)));
            }
            return keys;
        }, planId);
    }

    @Override
    public synchronized List<StoredRun> list() {
        return load(null, null);
    }

    @Override
    public synchronized long count() {
        ensureOpen();
        return read("SELECT count(*) FROM qmeter_run", rs -> {
            rs.next();
            return rs.getLong(1);
        }, null);
    }

    @Override
    public synchronized long count(String planId) {
        Objects.requireNonNull(planId, "planId");
        ensureOpen();
        return read("SELECT count(*) FROM qmeter_run WHERE plan_id = ?", rs -> {
            rs.next();
            return rs.getLong(1);
        }, planId);
    }

    private List<StoredRun> load(String where, String arg) {
        ensureOpen();
        try {
            connection.setAutoCommit(false); // one snapshot for the three queries
        } catch (SQLException e) {
            throw new StoreException("could not read from " + description + ": " + e.getMessage(), e);
        }
        try {
            return loadInTransaction(where, arg);
        } finally {
            try {
                connection.commit();
            } catch (SQLException e) {
                LOG.debug("ending a read transaction failed on {}", description, e);
            }
            autoCommitQuietly();
        }
    }

    private List<StoredRun> loadInTransaction(String where, String arg) {
        String filter = where == null ? "" : " WHERE " + where;
        Map<String, Object[]> rows = read("SELECT r.run_key, r.status, r.cause, r.payload, r.recorded_at_ms"
                + " FROM qmeter_run r" + filter, rs -> {
            Map<String, Object[]> m = new LinkedHashMap<>();
            while (rs.next()) {
                m.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)});
            }
            return m;
        }, arg);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, String>> labels = read("SELECT l.run_key, l.name, l.value FROM qmeter_run_label l"
                + " JOIN qmeter_run r ON r.run_key = l.run_key" + filter, rs -> {
            Map<String, Map<String, String>> m = new HashMap<>();
            while (rs.next()) {
                m.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
            }
            return m;
        }, arg);
        Map<String, Map<String, Double>> metrics = read("SELECT m.run_key, m.name, m.value FROM qmeter_run_metric m"
                + " JOIN qmeter_run r ON r.run_key = m.run_key" + filter, rs -> {
            Map<String, Map<String, Double>> m = new HashMap<>();
            while (rs.next()) {
                double v = rs.getDouble(3);
                if (rs.wasNull()) {
                    v = Double.NaN;
                }
                m.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), v);
            }
            return m;
        }, arg);
        List<StoredRun> runs = new ArrayList<>(rows.size());
        rows.forEach((key, r) -> runs.add(new StoredRun(RunKey.parse(key), RunStatus.valueOf((String) r[0]),
                (String) r[1], labels.getOrDefault(key, Map.of()), metrics.getOrDefault(key, Map.of()), (String) r[2],
                Instant.ofEpochMilli((Long) r[3]))));
        runs.sort((a, b) -> a.key().compareTo(b.key())); // in Java: database collations differ
        return runs;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T read(String sql, Reader<T> reader, String arg) {
        try {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                if (arg != null) {
                    ps.setString(1, arg);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("could not read from " + description + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed on {}", description, e);
        }
    }

    private void autoCommitQuietly() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.warn("could not return to auto-commit on {}", description, e);
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("close failed on {}", description, e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly();
        }
    }

    @Override
    public String toString() {
        return "ResultStore[" + description + ", schema v" + schemaVersion + "]";
    }
}
