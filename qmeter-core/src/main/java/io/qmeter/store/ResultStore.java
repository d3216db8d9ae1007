package io.qmeter.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where runs are kept: idempotent by {@link RunKey}, so writing twice is harmless and a sweep
 * resumes by skipping stored keys.
 *
 * <p>Contract: {@link #put} is one transaction that is durable when it returns (a process killed
 * right after loses nothing); a second put of the same key replaces the first, never duplicates it.
 * Implementations are thread-safe. Use {@link #sqlite(Path)} for a file (the default) or
 * {@link #postgres(String, String, String)} for a shared server; other implementations are passed in
 * explicitly (no {@link java.util.ServiceLoader} discovery) and pass the testkit's
 * {@code ResultStoreCompatibilityKit}.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     for (PlanPoint p : plan.points()) {
 *         if (store.contains(p.key())) continue;          // resume
 *         store.put(measure(p));
 *     }
 * }
 * }</pre>
 */
public interface ResultStore extends AutoCloseable {

    /**
     * Opens (creating when missing) an SQLite store in a file: WAL mode, synchronous FULL, schema
     * migrated to the current version.
     *
     * @param file the database file; parent folders are created
     * @return the store
     * @throws StoreException when the file cannot be opened or its schema is newer than this qMeter
     */
    static ResultStore sqlite(Path file) {
        return JdbcResultStore.openSqlite(file);
    }

    /**
     * Opens a PostgreSQL store (the driver {@code org.postgresql:postgresql} must be on the class
     * path), migrating its schema to the current version. Tables are created in the connection's
     * current schema; add {@code ?currentSchema=name} to the URL to choose another.
     *
     * @param jdbcUrl  for example {@code jdbc:postgresql://127.0.0.1:5432/qmeter}
     * @param user     the user
     * @param password the password
     * @return the store
     * @throws StoreException when the server cannot be reached or its schema is newer than this qMeter
     */
    static ResultStore postgres(String jdbcUrl, String user, String password) {
        return JdbcResultStore.openPostgres(jdbcUrl, user, password);
    }

    /**
     * Stores a run in one durable transaction, replacing any run with the same key.
     *
     * @param run the run
     * @return true when the key was new, false when an earlier run was replaced
     * @throws StoreException when the write fails (nothing of it is kept)
     */
    boolean put(StoredRun run);

    /**
     * Finds the run with this key.
     *
     * @param key the key
     * @return the run, or empty
     */
    Optional<StoredRun> find(RunKey key);

    /**
     * Whether a run with this key is stored.
     *
     * @param key the key
     * @return true when stored
     */
    default boolean contains(RunKey key) {
        return find(key).isPresent();
    }

    /**
     * All runs of one plan, ordered by key (configuration, rate label, repetition).
     *
     * @param planId the plan's id
     * @return the runs, possibly empty
     */
    List<StoredRun> findByPlan(String planId);

    /**
     * The keys stored for one plan (cheaper than loading the runs), for resuming.
     *
     * @param planId the plan's id
     * @return the keys
     */
    Set<RunKey> keys(String planId);

    /**
     * All runs, ordered by key.
     *
     * @return the runs
     */
    List<StoredRun> list();

    /**
     * How many runs are stored.
     *
     * @return the count
     */
    long count();

    /**
     * How many runs of one plan are stored.
     *
     * @param planId the plan's id
     * @return the count
     */
    long count(String planId);

    /**
     * The schema version of the database.
     *
     * @return the version, from 1
     */
    int schemaVersion();

    /** Closes the connection; idempotent. */
    @Override
    void close();
}
