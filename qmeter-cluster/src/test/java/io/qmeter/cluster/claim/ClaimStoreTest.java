package io.qmeter.cluster.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.cluster.MutableClock;
import io.qmeter.cluster.Pg;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claims table against a real PostgreSQL (skipped with a reason without one). */
class ClaimStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    @BeforeEach
    void needsPostgres() {
        Pg.assume();
    }

    @Test
    void ofManyThreadsClaimingOneKeyAtOnceExactlyOneGetsIt() throws Exception {
        String plan = Pg.uniqueId("threads");
        int n = 8;
        List<ClaimStore> stores = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stores.add(Pg.claims(clock));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            for (int round = 0; round < 5; round++) {
                String key = plan + "/cfg-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<Lease>>> fs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ClaimStore s = stores.get(i);
                    String owner = "thread-" + i;
                    Callable<Optional<Lease>> c = () -> {
                        go.await();
                        return s.tryClaim(plan, key, owner, "node-" + owner, Duration.ofMinutes(1));
                    };
                    fs.add(pool.submit(c));
                }
                go.countDown();
                List<Lease> won = new ArrayList<>();
                for (Future<Optional<Lease>> f : fs) {
                    f.get(30, TimeUnit.SECONDS).ifPresent(won::add);
                }
                assertThat(won).as("round %d", round).hasSize(1);
                assertThat(won.get(0).attempt()).isEqualTo(1);
                Claim row = stores.get(0).find(key).orElseThrow();
                assertThat(row.owner()).isEqualTo(won.get(0).owner());
                assertThat(row.state()).isEqualTo(ClaimState.RUNNING);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(ClaimStore::close);
        }
    }

    @Test
    void processesRacingForTheSameKeysEachTakeDisjointKeysAndTogetherAll() throws Exception {
        String plan = Pg.uniqueId("procs");
        int keys = 40;
        int procs = 3;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < procs; i++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp, ClaimRaceMain.class.getName(), plan,
                    Integer.toString(keys), "proc-" + i);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            ps.add(pb.start());
        }
        List<String> all = new ArrayList<>();
        for (Process p : ps) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("WON ")) {
                        all.add(line.substring(4));
                    }
                }
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(all).doesNotHaveDuplicates().hasSize(keys);
        try (ClaimStore s = Pg.claims(clock)) {
            assertThat(s.claims(plan)).hasSize(keys).allSatisfy(c -> assertThat(c.attempt()).isEqualTo(1));
        }
    }

    @Test
    void aHeldClaimIsRefusedUntilItsLeaseRunsOutThenTakenOverAndTheOldHolderIsFencedOut() {
        String plan = Pg.uniqueId("expiry");
        String key = plan + "/cfg";
        try (ClaimStore s = Pg.claims(clock)) {
            Lease a = s.tryClaim(plan, key, "a", "node-a", Duration.ofSeconds(60)).orElseThrow();
            assertThat(s.tryClaim(plan, key, "b", "node-b", Duration.ofSeconds(60))).isEmpty();
            clock.advance(Duration.ofSeconds(60)); // exactly at the end: still held
            assertThat(s.tryClaim(plan, key, "b", "node-b", Duration.ofSeconds(60))).isEmpty();
            assertThat(s.holds(a)).isTrue();
            clock.advance(Duration.ofMillis(1));
            assertThat(s.holds(a)).as("ran out").isFalse();
            Lease b = s.tryClaim(plan, key, "b", "node-b", Duration.ofSeconds(60)).orElseThrow();
            assertThat(b.attempt()).isEqualTo(2);
            // the killed-and-revived holder can neither renew, nor release, nor pass the fence
            assertThat(s.renew(a, Duration.ofSeconds(60))).isEmpty();
            assertThat(s.release(a, ClaimState.DONE, "")).isFalse();
            assertThat(s.holds(a)).isFalse();
            assertThat(s.holds(b)).isTrue();
            Claim row = s.find(key).orElseThrow();
            assertThat(row.owner()).isEqualTo("b");
            assertThat(row.node()).isEqualTo("node-b");
            assertThat(row.isHeldAt(clock.instant())).isTrue();
        }
    }

    @Test
    void renewingKeepsTheClaimPastItsFirstLeaseAndReleasingFreesItAtOnce() {
        String plan = Pg.uniqueId("renew");
        String key = plan + "/cfg";
        try (ClaimStore s = Pg.claims(clock)) {
            Lease a = s.tryClaim(plan, key, "a", "n", Duration.ofSeconds(30)).orElseThrow();
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofSeconds(20));
                a = s.renew(a, Duration.ofSeconds(30)).orElseThrow();
                assertThat(s.tryClaim(plan, key, "b", "n", Duration.ofSeconds(30))).isEmpty();
            }
            assertThat(s.find(key).orElseThrow().heartbeat()).isEqualTo(clock.instant());
            assertThat(s.release(a, ClaimState.FAILED, "engine would not start")).isTrue();
            Claim released = s.find(key).orElseThrow();
            assertThat(released.state()).isEqualTo(ClaimState.FAILED);
            assertThat(released.cause()).contains("engine would not start");
            Lease b = s.tryClaim(plan, key, "b", "n", Duration.ofSeconds(30)).orElseThrow();
            assertThat(b.attempt()).isEqualTo(2);
            assertThat(s.find(key).orElseThrow().cause()).isEmpty();
        }
    }

    @Test
    void aLeaseKeeperReportsTheLeaseLostOnceAnotherTaskTookItOver() {
        String plan = Pg.uniqueId("keeper");
        String key = plan + "/cfg";
        try (ClaimStore s = Pg.claims(clock)) {
            Lease a = s.tryClaim(plan, key, "a", "n", Duration.ofSeconds(30)).orElseThrow();
            CountDownLatch lost = new CountDownLatch(1);
            try (LeaseKeeper k = LeaseKeeper.start(s, a, Duration.ofSeconds(30), Duration.ofSeconds(10),
                    lost::countDown)) {
                clock.advance(Duration.ofSeconds(20));
                assertThat(k.beat()).isTrue();
                assertThat(k.lease().leaseUntil()).isEqualTo(clock.instant().plusSeconds(30));
                clock.advance(Duration.ofSeconds(31));
                s.tryClaim(plan, key, "b", "n", Duration.ofSeconds(30)).orElseThrow();
                assertThat(k.beat()).isFalse();
                assertThat(k.isLost()).isTrue();
                assertThat(lost.getCount()).isZero();
            }
        }
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        assertThatThrownBy(() -> ClaimStore.postgres("jdbc:sqlite:x.db", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PostgreSQL");
        assertThatThrownBy(() -> ClaimStore.postgres("jdbc:postgresql://127.0.0.1:1/none?password=secret", "u", "p"))
                .isInstanceOf(ClaimException.class).hasMessageNotContaining("secret").hasMessageContaining("***");
        try (ClaimStore s = Pg.claims(clock)) {
            assertThatThrownBy(() -> s.tryClaim("p", "p/c", "o", "n", Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be > 0");
            assertThat(s.claims(Pg.uniqueId("empty"))).isEmpty();
        }
    }
}
