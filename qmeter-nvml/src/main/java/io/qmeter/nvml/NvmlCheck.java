package io.qmeter.nvml;

import com.sun.jna.Pointer;
import io.qmeter.nvml.internal.FieldValue;
import io.qmeter.nvml.internal.JnaNvml;
import io.qmeter.nvml.internal.NvmlApi;
import io.qmeter.power.EnergyReading;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A check on a real NVIDIA GPU: prints the device facts, measures idle power, runs a PyTorch bf16
 * matmul load in a {@code python3} child that measures the same window with {@code pynvml}, compares
 * the two energies (they must agree within 1 %), and reports what NVML reads cost.
 *
 * <p>Run (needs NVIDIA's driver, python3 with torch and nvidia-ml-py):
 * <pre>{@code
 * java -cp 'qmeter-nvml.jar:lib/*' io.qmeter.nvml.NvmlCheck --seconds 10 --idle-seconds 5 --out /tmp/out
 * }</pre>
 * Options: {@code --seconds S} load length (10), {@code --idle-seconds S} idle settle (5),
 * {@code --python P} interpreter (python3), {@code --gpu I} NVML index of the GPU (0), {@code --out DIR} also writes {@code nvml-check.txt}
 * and {@code power-timeline.csv} there. Exits non-zero (an exception) when the check fails.
 */
public final class NvmlCheck {

    private NvmlCheck() {
    }

    /**
     * Runs the check.
     *
     * @param args options, see the class comment
     * @throws Exception when the check fails or cannot run
     */
    public static void main(String[] args) throws Exception {
        double seconds = 10;
        double idleSeconds = 5;
        String python = "python3";
        Path out = null;
        int gpuIndex = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds": seconds = Double.parseDouble(args[++i]); break;
                case "--idle-seconds": idleSeconds = Double.parseDouble(args[++i]); break;
                case "--python": python = args[++i]; break;
                case "--out": out = Path.of(args[++i]); break;
                case "--gpu": gpuIndex = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --seconds, --idle-seconds, --python, --gpu or --out");
            }
        }
        StringBuilder log = new StringBuilder();
        PrintStream console = System.out;
        Writer both = new Writer() {
            @Override
            public void write(char[] c, int off, int len) {
                console.print(new String(c, off, len));
                log.append(c, off, len);
            }

            @Override
            public void flush() {
                console.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        java.io.PrintWriter p = new java.io.PrintWriter(both, true);
        boolean ok;
        try (NvmlPowerSensor sensor = NvmlPowerSensor.require(
                NvmlSensorOptions.defaults().withGpus(GpuSelection.indices(gpuIndex)))) {
            ok = run(sensor, p, seconds, idleSeconds, python, out);
        } finally {
            p.flush();
            if (out != null) {
                Files.createDirectories(out);
                Files.writeString(out.resolve("nvml-check.txt"), log.toString());
            }
        }
        if (!ok) {
            throw new IllegalStateException("NVML check failed; see the output above");
        }
    }

    private static boolean run(NvmlPowerSensor sensor, java.io.PrintWriter p, double seconds, double idleSeconds,
                               String python, Path out) throws Exception {
        p.println("== capability");
        p.println(sensor.capability().quality() + ": " + sensor.capability().detail());
        p.println("== device facts");
        for (Map.Entry<String, String> e : sensor.deviceFacts().toMap().entrySet()) {
            p.println(e.getKey() + " = " + e.getValue());
        }

        p.println("== idle power over " + idleSeconds + " s");
        double idle = sensor.measureIdleWatts(Duration.ofMillis((long) (idleSeconds * 1000)));
        p.printf(Locale.ROOT, "idle power: %.2f W (energy counter)%n", idle);

        p.println("== load: PyTorch bf16 matmul loop for " + seconds + " s in a python3 child (pynvml beside)");
        GpuPowerCapability gpu = sensor.gpuCapabilities().get(0);
        Path script = Files.createTempFile("qmeter-gpu-load", ".py");
        try (InputStream in = NvmlCheck.class.getResourceAsStream("gpu_load.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessBuilder pb = new ProcessBuilder(python, "-u", script.toString(), gpu.deviceId(), Double.toString(seconds));
        pb.environment().put("CUDA_VISIBLE_DEVICES", gpu.deviceId());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        boolean agree = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
            String line = expect(r, "READY");
            NvmlEnergyWindow window = sensor.open();
            w.write("GO\n");
            w.flush();
            line = expect(r, "DONE");
            EnergyReading reading = window.end();
            w.write("BYE\n");
            w.flush();
            String[] f = line.trim().split("\\s+");
            double childJoules = Long.parseLong(f[1]) / 1000.0;
            double childSeconds = Double.parseDouble(f[2]);
            p.println("child: " + line);
            p.printf(Locale.ROOT, "qMeter window: %.3f J over %.3f s (%.1f W mean), quality %s%n", reading.joules(),
                    reading.durationNanos() / 1e9, reading.averageWatts(), reading.quality());
            p.println("qMeter detail: " + reading.detail());
            p.printf(Locale.ROOT, "qMeter integrated (instant power, trapezoid) over the same window: %.3f J%n",
                    window.integratedJoules());
            p.printf(Locale.ROOT, "pynvml window: %.3f J over %.3f s (%.1f W mean)%n", childJoules, childSeconds,
                    childJoules / childSeconds);
            double diff = (reading.joules() - childJoules) / childJoules * 100;
            double diffInt = (window.integratedJoules() - reading.joules()) / reading.joules() * 100;
            p.printf(Locale.ROOT, "difference qMeter vs pynvml: %+.3f %% (limit 1 %%)%n", diff);
            p.printf(Locale.ROOT, "difference integrated vs counter: %+.3f %%%n", diffInt);
            p.printf(Locale.ROOT, "net energy (minus idle %.1f W x %.3f s): %.3f J%n", idle,
                    reading.durationNanos() / 1e9, reading.netJoules(idle));
            agree = reading.isAvailable() && Math.abs(diff) <= 1.0;
            p.println(agree ? "AGREEMENT: PASS" : "AGREEMENT: FAIL");
        } finally {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            Files.deleteIfExists(script);
        }

        p.println("== sampling thread");
        SamplerStats s = sensor.samplerStats();
        p.printf(Locale.ROOT, "source %s, interval %.1f ms, %d ticks, %d missed, %d reads, %d failed; per read:"
                        + " %.2f µs mean since start (JIT warm-up included), %.1f µs max, last %d reads: median %.2f µs,"
                        + " p99 %.2f µs%n", s.source(), s.intervalNanos() / 1e6, s.ticks(), s.missedTicks(),
                s.reads(), s.failedReads(), s.meanReadMicros(), s.maxReadMicros(),
                Math.min(s.reads(), io.qmeter.nvml.internal.PowerSampler.RECENT), s.medianRecentReadMicros(),
                s.p99RecentReadMicros());
        List<PowerSample> timeline = sensor.powerTimeline();
        double max = timeline.stream().mapToDouble(PowerSample::watts).max().orElse(Double.NaN);
        p.printf(Locale.ROOT, "timeline: %d samples, max %.1f W%n", timeline.size(), max);
        if (out != null) {
            Files.createDirectories(out);
            StringBuilder csv = new StringBuilder("device,time_ns,power_mw\n");
            for (PowerSample ps : timeline) {
                csv.append(ps.deviceId()).append(',').append(ps.timeNanos()).append(',').append(ps.powerMilliwatts())
                        .append('\n');
            }
            Files.writeString(out.resolve("power-timeline.csv"), csv);
        }

        p.println("== NVML read costs on this thread (binding only, no sampler)");
        NvmlApi nvml = JnaNvml.load();
        Pointer h = nvml.deviceByIndex(gpu.nvmlIndex());
        cost(p, "field NVML_FI_DEV_POWER_INSTANT (186)", 300, () -> check(nvml.fieldValues(h, NvmlApi.FI_DEV_POWER_INSTANT)));
        cost(p, "field NVML_FI_DEV_POWER_AVERAGE (185)", 300, () -> check(nvml.fieldValues(h, NvmlApi.FI_DEV_POWER_AVERAGE)));
        cost(p, "nvmlDeviceGetPowerUsage", 300, () -> nvml.powerUsageMilliwatts(h));
        cost(p, "nvmlDeviceGetTotalEnergyConsumption", 30, () -> nvml.totalEnergyMillijoules(h));
        try {
            FieldValue v = nvml.fieldValues(h, NvmlApi.FI_DEV_ENERGY)[0];
            p.println("field NVML_FI_DEV_ENERGY (191): " + (v.ok() ? v.asLong() + " mJ (counter: "
                    + nvml.totalEnergyMillijoules(h) + " mJ)" : v.error().nvmlName()));
            if (v.ok()) {
                cost(p, "field NVML_FI_DEV_ENERGY (191)", 30, () -> check(nvml.fieldValues(h, NvmlApi.FI_DEV_ENERGY)));
            }
        } catch (NvmlException e) {
            p.println("field NVML_FI_DEV_ENERGY (191): " + e.getMessage());
        }
        int changes = 0;
        long last = nvml.totalEnergyMillijoules(h);
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 1_000_000_000L) {
            long v = nvml.totalEnergyMillijoules(h);
            if (v != last) {
                changes++;
                last = v;
            }
        }
        p.println("energy counter changes in 1 s of back-to-back reads: " + changes);
        return agree;
    }

    private static void check(FieldValue[] v) {
        if (!v[0].ok()) {
            throw new NvmlException("nvmlDeviceGetFieldValues(field " + v[0].fieldId() + ")", "", v[0].nvmlReturn());
        }
    }

    private static void cost(java.io.PrintWriter p, String what, int n, Runnable call) {
        try {
            for (int i = 0; i < Math.min(n, 10); i++) {
                call.run();
            }
        } catch (NvmlException e) {
            p.printf(Locale.ROOT, "%-40s unavailable: %s%n", what, e.error().nvmlName());
            return;
        }
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long a = System.nanoTime();
            call.run();
            t[i] = System.nanoTime() - a;
        }
        java.util.Arrays.sort(t);
        double mean = java.util.Arrays.stream(t).average().orElse(Double.NaN);
        p.printf(Locale.ROOT, "%-40s n=%d mean %.2f µs, median %.2f µs, p90 %.2f µs%n", what, n, mean / 1000,
                t[n / 2] / 1000.0, t[(int) (n * 0.9)] / 1000.0);
    }

    private static String expect(BufferedReader r, String prefix) throws IOException {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IllegalStateException("the load process failed: " + line);
            }
        }
        throw new IllegalStateException("the load process ended before printing " + prefix
                + "; expected python3 with torch and nvidia-ml-py (see its stderr above)");
    }
}
