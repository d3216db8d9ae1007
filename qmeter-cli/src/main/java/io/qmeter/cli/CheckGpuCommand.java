package io.qmeter.cli;

import io.qmeter.nvml.GpuPowerCapability;
import io.qmeter.nvml.GpuSelection;
import io.qmeter.nvml.NvmlFacts;
import io.qmeter.nvml.NvmlPowerSensor;
import io.qmeter.nvml.NvmlSensorOptions;
import io.qmeter.power.EnergyQuality;
import io.qmeter.power.SensorCapability;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qmeter check-gpu}: what NVML reports about this machine's GPUs (driver, CUDA, each GPU's
 * facts) and whether qMeter can measure their energy: with the hardware energy counter (MEASURED),
 * by integrating polled power (INTEGRATED), or not at all. On a machine without an NVIDIA GPU or
 * driver it says so and exits with 1.
 */
@Command(name = "check-gpu", mixinStandardHelpOptions = true,
        description = "Shows the GPUs NVML sees, their facts and whether their energy can be measured.",
        footer = {"", "Exit codes: 0 energy can be measured (counter or integrated power), 1 it cannot (no NVIDIA "
                + "GPU, driver or NVML here; latency runs still work, energy is reported as unavailable), 2 bad input."})
public final class CheckGpuCommand implements Callable<Integer> {

    @Option(names = "--gpu", split = ",", paramLabel = "INDEX",
            description = "NVML indices of the GPUs to check (default: CUDA_VISIBLE_DEVICES, or all).")
    int[] gpus;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public CheckGpuCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GpuSelection sel = gpus == null || gpus.length == 0 ? GpuSelection.fromEnvironment()
                : GpuSelection.indices(gpus);
        try (NvmlPowerSensor sensor = new NvmlPowerSensor(NvmlSensorOptions.defaults().withGpus(sel))) {
            SensorCapability cap = sensor.capability();
            if (cap.quality() == EnergyQuality.UNAVAILABLE) {
                out.println("energy: UNAVAILABLE");
                out.println("NVML cannot measure this machine's GPUs: " + cap.detail());
                out.println("Without an NVIDIA GPU and driver qMeter still measures latency and throughput; energy "
                        + "is reported as unavailable, never as zero.");
                out.flush();
                return ExitCodes.FAILED;
            }
            NvmlFacts facts = sensor.deviceFacts();
            out.println("energy: " + cap.quality() + " (" + cap.detail() + ")");
            for (GpuPowerCapability g : sensor.gpuCapabilities()) {
                out.println("  " + g.describe());
            }
            out.println("facts:");
            for (Map.Entry<String, String> e : facts.toMap().entrySet()) {
                out.println("  " + e.getKey() + " = " + e.getValue());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
