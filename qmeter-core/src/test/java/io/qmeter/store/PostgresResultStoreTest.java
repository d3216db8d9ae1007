package io.qmeter.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The store contract on a real PostgreSQL server, named by {@code QMETER_PG_URL},
 * {@code QMETER_PG_USER} and {@code QMETER_PG_PASSWORD} (see {@code .ci/postgres.sh}). Each test
 * gets its own schema, dropped afterwards. Skipped, with the reason, when QMETER_PG_URL is unset.
 */
class PostgresResultStoreTest extends ResultStoreContract {

    private static final String URL = System.getenv("QMETER_PG_URL");
    private static final String USER = System.getenv().getOrDefault("QMETER_PG_USER", "qmeter");
    private static final String PASSWORD = System.getenv().getOrDefault("QMETER_PG_PASSWORD", "");
    private static final List<String> SCHEMAS = new ArrayList<>();
    private String schemaUrl;

    @Override
    protected ResultStore openFresh() throws Exception {
        // per test (not @BeforeAll) so that every test is reported as skipped, with this reason
        assumeTrue(URL != null && !URL.isBlank(), "QMETER_PG_URL is unset: PostgreSQL store tests skipped. "
                + "Start a server with `eval \"$(bash .ci/postgres.sh)\"` to run them.");
        String schema = "qmeter_test_" + Long.toUnsignedString(System.nanoTime(), 36) + "_" + SCHEMAS.size();
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        SCHEMAS.add(schema);
        schemaUrl = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return ResultStore.postgres(schemaUrl, USER, PASSWORD);
    }

    @Override
    protected ResultStore reopen() {
        return ResultStore.postgres(schemaUrl, USER, PASSWORD);
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        if (URL == null || SCHEMAS.isEmpty()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            for (String schema : SCHEMAS) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
