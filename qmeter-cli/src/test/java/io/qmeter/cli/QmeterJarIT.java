package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.engine.EngineHandle;
import io.qmeter.store.ResultStore;
import io.qmeter.store.RunStatus;
import io.qmeter.store.StoredRun;
import io.qmeter.testkit.SimulatedEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real runnable jar ({@code java -jar qmeter-cli-<version>-all.jar}) in a child JVM: a
 * plan against the simulated engine (run, resumed), the vLLM export whose keys are vLLM's, a load
 * run against a simulated server, bad input, help, and Ctrl-C (a real SIGINT) storing the run in
 * progress as cancelled.
 */
class QmeterJarIT {

    /** Longest any one command may take before the test fails (a deadline, not a sleep). */
    private static final long DEADLINE_S = 300;

    @TempDir
    Path dir;

    static Path jar() {
        Path jar = Path.of(System.getProperty("qmeter.cli.jar", "target/qmeter-cli-0.1.0-SNAPSHOT-all.jar"));
        assertThat(jar).as("the runnable jar (mvn package builds it)").isRegularFile();
        return jar;
    }

    record Done(int code, String out, String err) {
    }

    /** A started child with its output collected by two threads. */
    static final class Child {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final StringBuffer err = new StringBuffer();
        final CountDownLatch marker = new CountDownLatch(1);
        final Thread[] readers = new Thread[2];

        Child(Process p, String markerText) {
            this.process = p;
            readers[0] = drain(p.getInputStream(), out, null, null);
            readers[1] = drain(p.getErrorStream(), err, markerText, marker);
        }

        private static Thread drain(InputStream in, StringBuffer into, String markerText, CountDownLatch latch) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        into.append(line).append('\n');
                        if (markerText != null && line.contains(markerText)) {
                            latch.countDown();
                        }
                    }
                } catch (IOException e) {
                    into.append("(read failed: ").append(e).append(")\n");
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        Done await() throws InterruptedException {
            boolean ended = process.waitFor(DEADLINE_S, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            readers[0].join(TimeUnit.SECONDS.toMillis(30));
            readers[1].join(TimeUnit.SECONDS.toMillis(30));
            assertThat(ended).as("qmeter ended within " + DEADLINE_S + " s; stderr:\n" + err).isTrue();
            return new Done(process.exitValue(), out.toString(), err.toString());
        }
    }

    Child start(String marker, List<String> prefix, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar().toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        return new Child(pb.start(), marker);
    }

    Done qmeter(String... args) throws IOException, InterruptedException {
        return start(null, List.of(), args).await();
    }

    static List<String> fixture(String name) throws IOException {
        return VllmResultExportTest.fixture(name);
    }

    static List<String> keys(String json) throws IOException {
        List<String> keys = new ArrayList<>();
        Iterator<String> it = new ObjectMapper().readTree(json).fieldNames();
        it.forEachRemaining(keys::add);
        return keys;
    }

    Path plan(String id, String rates, int requests) throws IOException {
        Path f = dir.resolve(id + ".json");
        Files.writeString(f, """
                {
                  "id": "%s",
                  "seed": 11,
                  "configurations": [{"engine": "simulated", "model": "Llama-2-7B", "quantization": "FP16",
                                      "gpu": "H100-80GB"}],
                  "workload": {"kind": "synthetic", "inputTokens": 32, "outputTokens": 8},
                  "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                  "rates": {"absolute": [%s]},
                  "runLength": {"requests": %d}
                }
                """.formatted(id, rates, requests));
        return f;
    }

    static final String[] LENIENT = {"--idle-settle", "200ms", "--max-client-lag", "2s", "--min-rate-fraction", "0.3",
        "--progress", "lines"};

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void aPlanRunsOnTheSimulatedEngineResumesAndExportsAsVllmDoes() throws Exception {
        Path plan = plan("cli-it", "5, 10", 12);
        Done first = qmeter(concat(new String[] {"run", plan.toString(), "--store", "r.db"}, LENIENT));
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCodes.OK);
        assertThat(first.err()).contains("plan cli-it: 2 points in 1 configuration\n").contains("ETA");
        assertThat(first.out()).contains("cli-it/simulated-fp16-tp1-h100-80gb-").contains("/5rps/0").contains("/10rps/0");

        Done again = qmeter(concat(new String[] {"run", plan.toString(), "--store", "r.db"}, LENIENT));
        assertThat(again.code()).as(again.err()).isEqualTo(ExitCodes.OK);
        assertThat(again.err()).contains("2 already stored (resuming)");
        assertThat(again.out()).contains("0 ok, 0 invalid, 0 failed, 2 resumed from the store, 0 left");

        Done vllm = qmeter("export", "--store", "r.db", "--format", "vllm", "-o", "vllm.jsonl");
        assertThat(vllm.code()).as(vllm.err()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("vllm.jsonl"));
        assertThat(lines).hasSize(2);
        for (String l : lines) {
            assertThat(keys(l)).as("vLLM's result keys, in vLLM's order").containsExactlyElementsOf(
                    fixture("save-detailed.keys"));
        }
        assertThat(new ObjectMapper().readTree(lines.get(0)).get("num_prompts").asInt()).isEqualTo(12);

        Done csv = qmeter("export", "--store", "r.db", "--format", "csv");
        assertThat(csv.code()).isZero();
        assertThat(csv.out()).startsWith("plan_id,configuration_id,rate_label,repetition,status");

        Done report = qmeter("report", "r.db", "--plan", "cli-it", "-o", "out/report.html");
        assertThat(report.code()).as(report.err()).isEqualTo(ExitCodes.OK);
        assertThat(report.out()).contains("HTML report of 2 runs: ").contains("report.html");
        String html = Files.readString(dir.resolve("out/report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("cli-it").contains("src=\"data:image/png;base64,")
                .doesNotContain("src=\"http");
        Done unknown = qmeter("report", "r.db", "--plan", "no-such-plan");
        assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("--plan").contains("cli-it").doesNotContain("\tat ");
        Done missing = qmeter("report", "missing.db");
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("no result store missing.db");
        assertThat(dir.resolve("missing.db")).doesNotExist();
    }

    @Test
    void aLoadRunAgainstAServerWritesVllmsResultFile() throws Exception {
        try (EngineHandle engine = SimulatedEngine.builder().model("Llama-2-7B").gpu("H100-80GB").build().start()) {
            Done load = qmeter("load", "--url", engine.baseUrl().toString(), "--model", "Llama-2-7B", "--rate", "10",
                    "--requests", "15", "--input-tokens", "32", "--output-tokens", "8", "--seed", "5",
                    "--slo", "ttft:p90<1s,tpot:p90<200ms", "--out", "run.json", "--vllm-out", "vllm.json");
            assertThat(load.code()).as(load.err()).isIn(ExitCodes.OK, ExitCodes.FAILED);
            assertThat(keys(Files.readString(dir.resolve("vllm.json"))))
                    .containsExactlyElementsOf(fixture("save-detailed.keys"));
            Done export = qmeter("export", "--input", "run.json", "--format", "vllm", "--no-detailed");
            assertThat(export.code()).as(export.err()).isZero();
            assertThat(keys(export.out().trim())).containsExactlyElementsOf(fixture("save-result.keys"));

            Done search = qmeter("search", "--url", engine.baseUrl().toString(), "--model", "Llama-2-7B",
                    "--input-tokens", "32", "--output-tokens", "8", "--slo", "ttft:p90<2s", "--max-probes", "3",
                    "--requests-per-probe", "20", "--initial-rate", "4");
            assertThat(search.out()).as(search.err()).contains("probe  purpose");
            if (search.code() == ExitCodes.OK) {
                assertThat(search.out()).containsPattern("saturation point: [0-9.]+ req/s");
            } else {
                assertThat(search.code()).isEqualTo(ExitCodes.FAILED);
                assertThat(search.out()).contains("no saturation point found");
            }
        }
    }

    @Test
    void badInputExitsWithTwoNamingFieldAndPosition() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {
                  "id": "bad",
                  "configurations": [{"engine": "simulated", "model": "m", "quantization": "fp16", "gpu": "H100",
                                      "tensorParallel": 3}],
                  "workload": {"kind": "synthetic", "inputTokens": 8, "outputTokens": 4},
                  "slo": {"targets": [{"metric": "ttft", "percentile": 90, "max": "1s"}]},
                  "rates": {"absolute": [4]},
                  "runLength": {"requests": 5}
                }
                """);
        Done r = qmeter("run", "bad.json");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("bad.json:4:23: $.configurations[0].tensorParallel: expected 1, 2, 4 or 8, was 3")
                .doesNotContain("\tat ");
        Done option = qmeter("load", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "0");
        assertThat(option.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(option.err()).contains("--rate").doesNotContain("\tat ");
    }

    @Test
    void helpDocumentsEveryCommandAndThePlan() throws Exception {
        Done root = qmeter("--help");
        assertThat(root.code()).isZero();
        assertThat(root.out()).contains("run", "load", "search", "report", "export", "engines", "check-gpu",
                "help plan");
        Done run = qmeter("run", "--help");
        assertThat(run.out()).contains("--store", "keep-records", "qmeter help plan");
        Done plan = qmeter("help", "plan");
        assertThat(plan.out()).contains("# Plan file schema", "fractionOfSaturation");
    }

    @Test
    void ctrlCStoresTheRunInProgressAsCancelledAndKeepsTheStore() throws Exception {
        List<String> prefix = sigintResettingPrefix();
        Path plan = plan("cli-cancel", "2", 5000);
        Child c = start("load run started", prefix,
                concat(new String[] {"run", plan.toString(), "--store", "c.db"}, LENIENT));
        boolean started = c.marker.await(DEADLINE_S, TimeUnit.SECONDS);
        assertThat(started).as("a load run started; stderr:\n" + c.err).isTrue();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(c.process.pid())).start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
        Done d = c.await();
        assertThat(d.code()).as(d.err()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(d.err()).contains("interrupted; stopping the run in progress");
        try (ResultStore store = ResultStore.sqlite(dir.resolve("c.db"))) {
            List<StoredRun> runs = store.findByPlan("cli-cancel");
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(runs.get(0).cause()).contains("cancelled after").contains("runs this point again");
            assertThat(runs.get(0).key().rateLabel()).isEqualTo("2rps");
        }
    }

    @Test
    void afterAKillDashNineTheStoreIsIntactAndARerunResumes() throws Exception {
        Path plan = plan("cli-kill", "5, 10", 20);
        String[] args = concat(new String[] {"run", plan.toString(), "--store", "k.db"}, LENIENT);
        Child c = start("/5rps/0 ", List.of(), args);
        boolean firstDone = c.marker.await(DEADLINE_S, TimeUnit.SECONDS);
        assertThat(firstDone).as("the first point was stored; stderr:\n" + c.err).isTrue();
        c.process.destroyForcibly(); // SIGKILL: no hook runs, the second point's run is lost
        Done killed = c.await();
        assertThat(killed.code()).isEqualTo(137);
        try (ResultStore store = ResultStore.sqlite(dir.resolve("k.db"))) {
            assertThat(store.findByPlan("cli-kill")).hasSize(1)
                    .allSatisfy(r -> assertThat(r.key().rateLabel()).isEqualTo("5rps"));
        }
        Done again = qmeter(args);
        assertThat(again.code()).as(again.err()).isEqualTo(ExitCodes.OK);
        assertThat(again.err()).contains("1 already stored (resuming)");
        try (ResultStore store = ResultStore.sqlite(dir.resolve("k.db"))) {
            assertThat(store.findByPlan("cli-kill")).hasSize(2);
        }
    }

    /**
     * A child inherits an ignored SIGINT (a build started in the background); then the JVM would not
     * install its handler and the signal would do nothing. Restore the default through python3's exec,
     * or skip with the reason.
     */
    static List<String> sigintResettingPrefix() throws IOException {
        boolean ignored = false;
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith("SigIgn:")) {
                    ignored = (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 0x2) != 0;
                }
            }
        }
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "the kill command is needed to send SIGINT");
        if (!ignored) {
            return List.of();
        }
        boolean python = Files.isExecutable(Path.of("/usr/bin/python3"));
        assumeTrue(python, "SIGINT is ignored in this process (started in the background) and no python3 "
                + "can restore it for the child; run the build in the foreground");
        return List.of("/usr/bin/python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])");
    }
}
