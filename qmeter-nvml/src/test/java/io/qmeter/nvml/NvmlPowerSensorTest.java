package io.qmeter.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qmeter.power.DeviceEnergy;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.EnergyReading;
import io.qmeter.power.PowerSensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sensor over a fake NVML on virtual time: nothing sleeps, the sampler is driven by the clock. */
class NvmlPowerSensorTest {

    static final String UUID0 = "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6";
    static final String UUID1 = "GPU-1f3a0c22-5b9e-4d01-a7c4-0e2f6b9d8a11";
    static final Duration TICK = Duration.ofMillis(10);

    final VirtualTime time = new VirtualTime();
    FakeNvml nvml;
    NvmlPowerSensor sensor;

    @AfterEach
    void close() {
        if (sensor != null) {
            sensor.close();
        }
    }

    NvmlPowerSensor start(GpuSelection selection) {
        NvmlSensorOptions o = new NvmlSensorOptions(selection, TICK, 1_000);
        sensor = new NvmlPowerSensor(o, () -> nvml, time, false);
        if (sensor.sampler() != null) {
            time.everyTick(TICK, sensor.sampler()::sampleOnce);
        }
        return sensor;
    }

    NvmlPowerSensor startBoth() {
        nvml = new FakeNvml(time::nanoTime, UUID0, UUID1);
        return start(GpuSelection.all());
    }

    @Test
    void counterWindowSumsTheGpusOfAParallelEngine() {
        startBoth();
        nvml.setPower(0, 100);
        nvml.setPower(1, 300);
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.MEASURED);
        assertThat(sensor.capability().devices()).containsExactly(UUID0, UUID1);

        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(10));
        EnergyReading r = w.end();

        assertThat(r.quality()).isEqualTo(EnergyQuality.MEASURED);
        assertThat(r.joules()).isCloseTo(4000, within(0.01));
        assertThat(r.durationNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(r.devices()).extracting(DeviceEnergy::joules).containsExactly(1000.0, 3000.0);
        assertThat(r.averageWatts()).isCloseTo(400, within(0.01));
        assertThat(w.counterJoules()).isCloseTo(4000, within(0.01));
        assertThat(w.integratedJoules()).isCloseTo(4000, within(0.01));
        assertThat(r.detail()).contains("2 GPU(s) summed").contains("cross-check");
    }

    @Test
    void selectedGpusOnlyAreMeasured() {
        nvml = new FakeNvml(time::nanoTime, UUID0, UUID1);
        start(GpuSelection.cudaVisibleDevices("GPU-1f3a"));
        nvml.setPower(0, 100);
        nvml.setPower(1, 300);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(2));
        assertThat(w.end().joules()).isCloseTo(600, within(0.01));
        assertThat(sensor.capability().devices()).containsExactly(UUID1);
    }

    @Test
    void theEnergyCounterIsReadOnlyAtWindowEdgesNeverBySampling() {
        startBoth();
        long afterProbe = nvml.calls("nvmlDeviceGetTotalEnergyConsumption");
        assertThat(afterProbe).isEqualTo(2); // the start-up probe, once per GPU
        time.advance(Duration.ofSeconds(30)); // 3000 sampler ticks
        assertThat(nvml.calls("nvmlDeviceGetTotalEnergyConsumption")).isEqualTo(afterProbe);
        assertThat(nvml.calls("nvmlDeviceGetFieldValues")).isGreaterThanOrEqualTo(6000);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(1));
        w.end();
        assertThat(nvml.calls("nvmlDeviceGetTotalEnergyConsumption")).isEqualTo(afterProbe + 4);
    }

    @Test
    void aCounterResetFallsBackToIntegratedPowerForThatGpu() {
        startBoth();
        nvml.setPower(0, 200);
        nvml.setPower(1, 400);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(5));
        nvml.resetCounter(1);
        time.advance(Duration.ofSeconds(5));
        EnergyReading r = w.end();

        assertThat(r.quality()).isEqualTo(EnergyQuality.INTEGRATED);
        assertThat(r.devices().get(0).quality()).isEqualTo(EnergyQuality.MEASURED);
        assertThat(r.devices().get(1).quality()).isEqualTo(EnergyQuality.INTEGRATED);
        assertThat(r.devices().get(1).joules()).isCloseTo(4000, within(0.5));
        assertThat(r.joules()).isCloseTo(6000, within(0.5));
        assertThat(r.detail()).contains(UUID1).contains("went down").contains("reset");
        assertThat(w.counterJoules()).isNaN();
    }

    @Test
    void aResetWithoutPowerSamplesIsUnavailableNeverZero() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.fail(0, "field186", NvmlError.NOT_SUPPORTED.code());
        nvml.fail(0, "field185", NvmlError.NOT_SUPPORTED.code());
        nvml.fail(0, "nvmlDeviceGetPowerUsage", NvmlError.NOT_SUPPORTED.code());
        start(GpuSelection.all());
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.MEASURED);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(5));
        nvml.resetCounter(0);
        time.advance(Duration.ofSeconds(1));
        EnergyReading r = w.end();
        assertThat(r.quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(r.joules()).isNaN();
        assertThat(r.detail()).contains("reset").contains("no power samples");
    }

    @Test
    void withoutACounterPolledPowerIsIntegratedWithTheTrapezoidRule() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.fail(0, "nvmlDeviceGetTotalEnergyConsumption", NvmlError.NOT_SUPPORTED.code());
        start(GpuSelection.all());
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.INTEGRATED);
        assertThat(sensor.gpuCapabilities().get(0).counter()).isEqualTo("NVML_ERROR_NOT_SUPPORTED");

        nvml.setPower(0, 100);
        time.advance(Duration.ofMillis(5)); // the window opens between two sampler ticks
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(2));
        nvml.setPower(0, 500);
        time.advance(Duration.ofMillis(3003));
        EnergyReading r = w.end();

        // exact: 100 W x 2 s + 500 W x 3.003 s = 1701.5 J; the step is smeared over one 10 ms tick
        assertThat(r.quality()).isEqualTo(EnergyQuality.INTEGRATED);
        assertThat(r.joules()).isCloseTo(1701.5, within(400 * 0.010));
        assertThat(r.durationNanos()).isEqualTo(Duration.ofMillis(5003).toNanos());
        assertThat(w.counterJoules()).isNaN();
        assertThat(w.integratedJoules()).isEqualTo(r.joules());
    }

    @Test
    void aFailedPowerReadAtAnEdgeCarriesTheLastSample() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.fail(0, "nvmlDeviceGetTotalEnergyConsumption", NvmlError.NOT_SUPPORTED.code());
        start(GpuSelection.all());
        nvml.setPower(0, 250);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofMillis(995));
        nvml.fail(0, "field186", NvmlError.TIMEOUT.code());
        time.advance(Duration.ofMillis(5)); // no tick here: the end edge must carry the last sample
        EnergyReading r = w.end();
        assertThat(r.joules()).isCloseTo(250, within(1e-6));
        assertThat(r.detail()).contains("carried").contains("NVML_ERROR_TIMEOUT");
    }

    @Test
    void perFieldErrorCodesChooseTheNextPowerSource() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.fail(0, "nvmlDeviceGetTotalEnergyConsumption", NvmlError.NOT_SUPPORTED.code());
        nvml.fail(0, "field186", NvmlError.NOT_SUPPORTED.code()); // the call succeeds, the field does not
        start(GpuSelection.all());
        GpuPowerCapability c = sensor.gpuCapabilities().get(0);
        assertThat(c.instantPower()).isEqualTo("NVML_ERROR_NOT_SUPPORTED");
        assertThat(c.averagePower()).isEmpty();
        assertThat(c.samplerSource()).isEqualTo("POWER_USAGE");
        nvml.setPower(0, 80);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(1));
        assertThat(w.end().joules()).isCloseTo(80, within(1e-6));
        assertThat(sensor.samplerStats().source()).isEqualTo("POWER_USAGE");
    }

    @Test
    void aFailedFieldValuesCallAndNoPowerUsageFallToNothingAndSayWhy() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.fail(0, "nvmlDeviceGetTotalEnergyConsumption", NvmlError.NOT_SUPPORTED.code());
        nvml.fail(0, "nvmlDeviceGetFieldValues", NvmlError.FUNCTION_NOT_FOUND.code());
        nvml.fail(0, "nvmlDeviceGetPowerUsage", NvmlError.NO_PERMISSION.code());
        start(GpuSelection.all());
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(sensor.capability().detail()).contains("NVML_ERROR_FUNCTION_NOT_FOUND")
                .contains("NVML_ERROR_NO_PERMISSION").contains("NVML_ERROR_NOT_SUPPORTED");
        EnergyReading r = sensor.open().end();
        assertThat(r.isAvailable()).isFalse();
        assertThat(r.joules()).isNaN();
        assertThat(sensor.measureIdleWatts(Duration.ofSeconds(1))).isNaN();
    }

    @Test
    void aCounterThatFailsAtTheEndFallsBackAndNamesTheError() {
        startBoth();
        nvml.setPower(0, 100);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(3));
        nvml.fail(0, "nvmlDeviceGetTotalEnergyConsumption", NvmlError.GPU_IS_LOST.code());
        EnergyReading r = w.end();
        assertThat(r.devices().get(0).quality()).isEqualTo(EnergyQuality.INTEGRATED);
        assertThat(r.devices().get(0).joules()).isCloseTo(300, within(1e-6));
        assertThat(r.detail()).contains("NVML_ERROR_GPU_IS_LOST").contains("fell off the bus");
    }

    @Test
    void withoutTheLibraryTheSensorIsUnavailableWithTheReason() {
        sensor = new NvmlPowerSensor(NvmlSensorOptions.defaults(), () -> {
            throw new NvmlException("dlopen(nvidia-ml, libnvidia-ml.so.1)", "", NvmlError.LIBRARY_NOT_FOUND.code());
        }, time, false);
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(sensor.capability().detail()).contains("NVML_ERROR_LIBRARY_NOT_FOUND").contains("install");
        EnergyReading r = sensor.open().end();
        assertThat(r.quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(r.joules()).isNaN();
        assertThat(r.detail()).contains("LIBRARY_NOT_FOUND");
        assertThat(sensor.measureIdleWatts(Duration.ofSeconds(1))).isNaN();
        assertThat(sensor.deviceFacts().unavailable()).containsKey("nvml");
        assertThat(sensor.powerTimeline()).isEmpty();
        sensor.close();
        sensor.close();
    }

    @Test
    void aDriverThatFailsInitIsUnavailableWithTheCode() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.systemErrors.put("nvmlInit_v2", NvmlError.DRIVER_NOT_LOADED.code());
        start(GpuSelection.all());
        assertThat(sensor.capability().detail()).contains("NVML_ERROR_DRIVER_NOT_LOADED").contains("nvidia-smi");
    }

    @Test
    void anUnknownReturnCodeIsReportedAsSuch() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.systemErrors.put("nvmlDeviceGetCount_v2", 4242);
        start(GpuSelection.all());
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(sensor.capability().detail()).contains("(4242)").contains("unknown to this qMeter version");
        assertThat(nvml.shutdowns).isEqualTo(1);
    }

    @Test
    void aMigInstanceIsRefusedWithAClearMessage() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        start(GpuSelection.cudaVisibleDevices("MIG-4f4e8a2c-1b7d-5e0f-9a3b-2c1d0e9f8a7b"));
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(sensor.capability().detail()).contains("MIG").contains("per physical GPU");
    }

    @Test
    void cudaVisibleDevicesMinusOneMeansNothingToMeasure() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        start(GpuSelection.cudaVisibleDevices("-1"));
        assertThat(sensor.capability().quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(sensor.capability().detail()).contains("hides every GPU");
    }

    @Test
    void idleWattsComeFromTheSameCounterAndGiveNetEnergy() {
        startBoth();
        nvml.setPower(0, 70);
        nvml.setPower(1, 72);
        double idle = sensor.measureIdleWatts(Duration.ofSeconds(5));
        assertThat(idle).isCloseTo(142, within(0.01));
        assertThat(sensor.lastIdleWatts()).isEqualTo(idle);
        nvml.setPower(0, 600);
        nvml.setPower(1, 600);
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(10));
        EnergyReading r = w.end();
        assertThat(r.netJoules(idle)).isCloseTo(12000 - 1420, within(0.1));
    }

    @Test
    void theCounterStepsOf100msBoundTheErrorOfAWindow() {
        nvml = new FakeNvml(time::nanoTime, UUID0);
        nvml.counterPeriodNanos = Duration.ofMillis(100).toNanos();
        start(GpuSelection.all());
        nvml.setPower(0, 500);
        time.advance(Duration.ofMillis(1234));
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofMillis(10_050));
        EnergyReading r = w.end();
        assertThat(r.joules()).isCloseTo(500 * 10.05, within(500 * 0.1 + 1e-6));
        assertThat(w.integratedJoules()).isCloseTo(500 * 10.05, within(1e-6));
    }

    @Test
    void deviceFactsCarryValuesAndSayWhatIsMissing() {
        startBoth();
        nvml.fail(1, "nvmlDeviceGetCurrentClocksEventReasons", NvmlError.FUNCTION_NOT_FOUND.code());
        NvmlFacts f = sensor.deviceFacts();
        assertThat(f.driverVersion()).isEqualTo("550.54.15");
        assertThat(f.cudaDriverVersion()).isEqualTo("12.4");
        assertThat(f.gpus()).hasSize(2);
        GpuFacts g0 = f.gpus().get(0);
        assertThat(g0.architecture()).isEqualTo("Hopper");
        assertThat(g0.powerLimitEnforcedMilliwatts()).isEqualTo(700_000);
        assertThat(g0.powerLimitMinMilliwatts()).isEqualTo(200_000);
        assertThat(g0.smClockMhz()).isEqualTo(1980);
        assertThat(g0.clocksEventReasonNames()).containsExactly("SwPowerCap");
        assertThat(g0.unavailable()).isEmpty();
        GpuFacts g1 = f.gpus().get(1);
        assertThat(g1.clocksEventReasons()).isEqualTo(-1);
        assertThat(g1.unavailable()).containsKey("clocksEventReasons");
        Map<String, String> m = f.toMap();
        assertThat(m).containsEntry("gpu0.uuid", UUID0).containsEntry("gpu0.pciBusId", "00000000:18:00.0")
                .containsEntry("gpu1.clocksEventReasons", "unavailable")
                .containsEntry("nvml.driverVersion", "550.54.15");
        assertThat(m.get("gpu1.unavailable.clocksEventReasons")).contains("NVML_ERROR_FUNCTION_NOT_FOUND");
    }

    @Test
    void theTimelineIsBoundedAndOrdered() {
        startBoth();
        time.advance(Duration.ofSeconds(30)); // 3000 ticks, capacity 1000 per GPU
        List<PowerSample> t = sensor.powerTimeline();
        assertThat(t).hasSize(2000);
        assertThat(t).isSortedAccordingTo(java.util.Comparator.comparingLong(PowerSample::timeNanos));
        assertThat(t.get(t.size() - 1).watts()).isEqualTo(100.0);
        SamplerStats s = sensor.samplerStats();
        assertThat(s.ticks()).isEqualTo(3001); // the first sample at start, then one per tick
        assertThat(s.reads()).isEqualTo(6002);
        assertThat(s.failedReads()).isZero();
        assertThat(s.source()).isEqualTo("INSTANT_FIELD");
        assertThat(s.medianRecentReadMicros()).isZero(); // virtual time: a read takes no time
        assertThat(s.p99RecentReadMicros()).isZero();
        assertThat(s.missedTicks()).isZero();
    }

    @Test
    void closingEndsOpenWindowsAsUnavailableAndIsIdempotent() {
        startBoth();
        NvmlEnergyWindow w = sensor.open();
        time.advance(Duration.ofSeconds(1));
        sensor.close();
        sensor.close();
        EnergyReading r = w.end();
        assertThat(r.quality()).isEqualTo(EnergyQuality.UNAVAILABLE);
        assertThat(r.detail()).contains("closed");
        assertThat(sensor.open().end().detail()).contains("closed");
        assertThat(nvml.shutdowns).isEqualTo(1);
    }

    @Test
    void serviceLoaderFindsTheSensorAndItExplainsItselfWhereNvmlIsMissing() {
        List<ServiceLoader.Provider<PowerSensor>> found = ServiceLoader.load(PowerSensor.class).stream()
                .filter(p -> p.type() == NvmlPowerSensor.class).toList();
        assertThat(found).hasSize(1);
        try (PowerSensor s = found.get(0).get()) {
            assertThat(s.name()).isEqualTo("nvml");
            if (s.capability().quality() == EnergyQuality.UNAVAILABLE) {
                assertThat(s.capability().detail()).isNotBlank();
            }
        }
    }

    @Test
    void requireFailsWithTheReason() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NvmlPowerSensor.require(
                        NvmlSensorOptions.defaults().withGpus(GpuSelection.cudaVisibleDevices("NoDevFiles"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot");
    }
}
