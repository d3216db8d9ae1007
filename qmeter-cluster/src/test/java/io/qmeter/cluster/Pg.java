package io.qmeter.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.cluster.claim.ClaimStore;
import io.qmeter.store.ResultStore;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/** The PostgreSQL of the tests: QMETER_PG_URL / _USER / _PASSWORD, as .ci/postgres.sh prints them. */
public final class Pg {

    private static final AtomicLong IDS = new AtomicLong();

    private Pg() {
    }

    /** Skips the test with a reason when no PostgreSQL is configured. */
    public static void assume() {
        assumeTrue(System.getenv("QMETER_PG_URL") != null,
                "QMETER_PG_URL is unset: start PostgreSQL with eval \"$(bash .ci/postgres.sh)\" (.ci/run does)");
    }

    public static String url() {
        return System.getenv("QMETER_PG_URL");
    }

    public static String user() {
        return System.getenv().getOrDefault("QMETER_PG_USER", "qmeter");
    }

    public static String password() {
        return System.getenv().getOrDefault("QMETER_PG_PASSWORD", "qmeter");
    }

    public static ClaimStore claims(Clock clock) {
        return ClaimStore.postgres(url(), user(), password(), clock);
    }

    public static ResultStore store() {
        return ResultStore.postgres(url(), user(), password());
    }

    /** A plan id no other test run used: the test's name, the time and a counter. */
    public static String uniqueId(String name) {
        return name + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" + IDS.incrementAndGet();
    }
}
