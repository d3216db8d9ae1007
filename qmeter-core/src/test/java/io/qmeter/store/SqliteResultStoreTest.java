package io.qmeter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteResultStoreTest extends ResultStoreContract {

    @TempDir
    Path dir;
    private Path file;
    private int n;

    @Override
    protected ResultStore openFresh() {
        file = dir.resolve("sub/runs-" + (n++) + ".db");
        return ResultStore.sqlite(file);
    }

    @Override
    protected ResultStore reopen() {
        return ResultStore.sqlite(file);
    }

    private String pragma(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theFileIsInWalModeAndCarriesItsSchemaVersion() throws Exception {
        assertThat(Files.exists(file)).isTrue();
        assertThat(pragma("journal_mode")).isEqualToIgnoringCase("wal");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description FROM qmeter_schema_version ORDER BY version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void twoHandlesWritingAtOnceWaitForEachOtherInsteadOfFailing() throws Exception {
        try (ResultStore a = reopen(); ResultStore b = reopen()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Future<?> fa = pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        a.put(run(key("p", "a", "r" + i, 0), i));
                        a.put(run(key("p", "shared", "r" + i, 0), i));
                    }
                    return null;
                });
                java.util.concurrent.Future<?> fb = pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        b.put(run(key("p", "b", "r" + i, 0), i));
                        b.put(run(key("p", "shared", "r" + i, 0), -i));
                        b.findByPlan("p");
                    }
                    return null;
                });
                fa.get(2, java.util.concurrent.TimeUnit.MINUTES);
                fb.get(2, java.util.concurrent.TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(store.count("p")).isEqualTo(120);
    }

    @Test
    void anOlderSchemaIsMigratedKeepingItsRuns() {
        store.close();
        file = dir.resolve("old.db");
        try (ResultStore v1 = JdbcResultStore.openSqlite(file, 1)) {
            assertThat(v1.schemaVersion()).isEqualTo(1);
            v1.put(run(key("p", "c", "1rps", 0), 7));
        }
        store = ResultStore.sqlite(file);
        assertThat(store.schemaVersion()).isEqualTo(2);
        assertThat(store.find(key("p", "c", "1rps", 0)).orElseThrow().metrics().get("ttft_p90_ms")).isEqualTo(7.0);
    }

    @Test
    void aNewerSchemaIsRefusedWithAnActionableMessage() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO qmeter_schema_version VALUES (99, 'from the future', 0)");
        }
        assertThatThrownBy(() -> ResultStore.sqlite(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99").hasMessageContaining("upgrade qMeter");
        store = null;
    }

    @Test
    void aFileThatIsNotADatabaseFailsClearly() throws Exception {
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "this is not sqlite ".repeat(100));
        assertThatThrownBy(() -> ResultStore.sqlite(junk)).isInstanceOf(StoreException.class)
                .hasMessageContaining(junk.toString());
    }

    @Test
    void invalidRunsAreRejectedBeforeTheyReachTheDatabase() {
        RunKey k = key("p", "c", "1rps", 0);
        assertThatThrownBy(() -> StoredRun.failed(k, " ", Map.of(), "{}")).hasMessageContaining("needs a cause");
        assertThatThrownBy(() -> StoredRun.ok(k, Map.of(), Map.of("status", 1.0), "{}"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> StoredRun.ok(k, Map.of("x", "a"), Map.of("x", 1.0), "{}"))
                .hasMessageContaining("both a label and a metric");
        assertThatThrownBy(() -> StoredRun.ok(k, Map.of(), Map.of(), "{not json")).hasMessageContaining("valid JSON");
        assertThatThrownBy(() -> new RunKey("my plan", "c", "r", 0)).hasMessageContaining("planId")
                .hasMessageContaining("'my plan'");
        assertThat(store.count()).isZero();
    }
}
