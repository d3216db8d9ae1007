package io.qmeter.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.EnergyWindow;
import io.qmeter.power.PowerSensor;
import io.qmeter.power.SensorCapability;
import io.qmeter.testkit.ScriptedEngine;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The kits are worth something only if they fail for a broken implementation: run them against some. */
class KitsCanFailTest {

    private static final String SELF_CHECK = "qmeter.testkit.kitSelfCheck";

    /** Runs a kit class and returns the names of the tests that failed. */
    private static synchronized Set<String> failures(Class<?> kit) {
        Set<String> failed = new TreeSet<>();
        System.setProperty(SELF_CHECK, "true");
        try {
            run(kit, failed);
        } finally {
            System.clearProperty(SELF_CHECK);
        }
        return failed;
    }

    private static void run(Class<?> kit, Set<String> failed) {
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                        if (id.isTest() && r.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                            failed.add(id.getDisplayName());
                        }
                    }
                });
    }

    /** A sensor that reports a silent zero, forgets its readings and shrinks time. */
    static final class SilentZeroSensor implements PowerSensor {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public SensorCapability capability() {
            return new SensorCapability(EnergyQuality.UNAVAILABLE, "", List.of());
        }

        @Override
        public EnergyWindow open() {
            return () -> new EnergyReading(0.0, 0, EnergyQuality.UNAVAILABLE, List.of(), null);
        }

        @Override
        public double measureIdleWatts(Duration settle) {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenSensorKit extends PowerSensorCompatibilityKit {
        @Override
        protected PowerSensor createSensor() {
            return new SilentZeroSensor();
        }

        @Override
        protected Duration windowLength() {
            return Duration.ofMillis(20);
        }

        @Override
        protected Duration durationTolerance() {
            return Duration.ofMillis(1);
        }
    }

    /** An engine whose handle still says UP after close and whose log tail throws. */
    @EnabledIfSystemProperty(named = SELF_CHECK, matches = "true", disabledReason = "run only by KitsCanFailTest")
    static class BrokenEngineKit extends EngineCompatibilityKit {
        @Override
        protected Engine createEngine() {
            ScriptedEngine real = ScriptedEngine.builder().build();
            return new Engine() {
                @Override
                public String name() {
                    return "broken";
                }

                @Override
                public EngineHandle start() {
                    EngineHandle h = real.start();
                    return new EngineHandle() {
                        @Override
                        public URI baseUrl() {
                            return h.baseUrl();
                        }

                        @Override
                        public String model() {
                            return h.model();
                        }

                        @Override
                        public Health health() {
                            return Health.up();
                        }

                        @Override
                        public List<String> logTail(int maxLines) {
                            throw new IllegalStateException("no log");
                        }

                        @Override
                        public void close() {
                            h.close();
                        }
                    };
                }
            };
        }
    }

    @Test
    void powerSensorKitFailsASilentZeroSensor() {
        assertThat(failures(BrokenSensorKit.class)).contains(
                "capability is never null and never a silent zero",
                "a reading is available with the capability's quality, or unavailable with a reason",
                "end() is idempotent and close() after end() keeps the reading",
                "a reading's duration covers the window",
                "idle power is NaN when unavailable, else >= 0");
    }

    @Test
    void engineKitFailsAnEngineThatStaysUpAfterClose() {
        assertThat(failures(BrokenEngineKit.class)).contains("close() is idempotent and health is DOWN afterwards",
                "logTail never throws and respects its limit").doesNotContain("start() returns a healthy handle");
    }
}
