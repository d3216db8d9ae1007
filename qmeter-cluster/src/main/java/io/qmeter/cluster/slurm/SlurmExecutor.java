package io.qmeter.cluster.slurm;

import io.qmeter.cluster.Sizing;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits a plan to Slurm as job arrays: one task per configuration, each running
 * {@link io.qmeter.cluster.RunPoint} with {@code --index $SLURM_ARRAY_TASK_ID}. The configurations
 * are grouped by GPU type and tensor-parallel degree, since one array asks for one shape of
 * resources: each group becomes an array over its plan indices ({@code --array=0,3,5}), with
 * {@code --gpus} = the degree, the GPU type's partition and constraint, and {@code --time} from the
 * plan's {@link Sizing} estimate of one configuration times the safety factor (or the fixed limit).
 * The exactly-once guarantee comes from the claims, not from Slurm: a resubmitted plan, a requeued
 * task or two overlapping submissions run each configuration once.
 *
 * <pre>{@code
 * SlurmExecutor slurm = new SlurmExecutor(options);
 * SlurmExecutor.Submission s = slurm.submit(plan, Path.of("/shared/plan.json"));
 * Map<Integer, TaskState> states = slurm.states(s);
 * slurm.cancel(s);
 * }</pre>
 */
public final class SlurmExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(SlurmExecutor.class);

    private final SlurmOptions options;
    private final CommandRunner runner;
    private final Sizing.Assumptions assumptions;

    /**
     * An executor running Slurm's tools as processes.
     *
     * @param options how to submit
     */
    public SlurmExecutor(SlurmOptions options) {
        this(options, CommandRunner.processes(), Sizing.Assumptions.defaults());
    }

    /**
     * An executor with its own command runner and estimate assumptions.
     *
     * @param options     how to submit
     * @param runner      runs sbatch, squeue, sacct and scancel
     * @param assumptions what the time limits' estimate assumes
     */
    public SlurmExecutor(SlurmOptions options, CommandRunner runner, Sizing.Assumptions assumptions) {
        this.options = Objects.requireNonNull(options, "options");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.assumptions = Objects.requireNonNull(assumptions, "assumptions");
    }

    /**
     * Configurations of one resource shape: one job array.
     *
     * @param gpu     the GPU type
     * @param gpus    GPUs per task (the tensor-parallel degree)
     * @param indices their plan indices, ascending
     */
    public record ArrayGroup(String gpu, int gpus, List<Integer> indices) {

        /** Copies the indices. */
        public ArrayGroup {
            Objects.requireNonNull(gpu, "gpu");
            indices = List.copyOf(indices);
        }
    }

    /**
     * One submitted array.
     *
     * @param jobId  Slurm's job id of the array
     * @param group  what it runs
     * @param script the script file submitted
     */
    public record SubmittedArray(String jobId, ArrayGroup group, Path script) {
    }

    /**
     * A submitted plan.
     *
     * @param planId the plan
     * @param arrays its arrays
     */
    public record Submission(String planId, List<SubmittedArray> arrays) {

        /** Copies the list. */
        public Submission {
            arrays = List.copyOf(arrays);
        }

        /**
         * The Slurm task id ({@code jobid_index}) of a plan index.
         *
         * @param index the configuration's plan index
         * @return the task id
         * @throws IllegalArgumentException when no array of this submission runs it
         */
        public String taskId(int index) {
            return arrays.stream().filter(a -> a.group().indices().contains(index)).findFirst()
                    .map(a -> a.jobId() + "_" + index).orElseThrow(() -> new IllegalArgumentException(
                            "configuration " + index + " is not part of submission " + arrays));
        }
    }

    /**
     * Groups a plan's configurations by GPU type and tensor-parallel degree, in plan order.
     *
     * @param plan the plan
     * @return the groups
     */
    public static List<ArrayGroup> groups(Plan plan) {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        Map<String, EngineSettings> first = new HashMap<>();
        List<EngineSettings> c = plan.configurations();
        for (int i = 0; i < c.size(); i++) {
            String k = c.get(i).gpu() + "\u0000" + c.get(i).tensorParallel();
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
            first.putIfAbsent(k, c.get(i));
        }
        List<ArrayGroup> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new ArrayGroup(first.get(k).gpu(), first.get(k).tensorParallel(), v)));
        return out;
    }

    /**
     * The batch script of one group (what {@link #submit} writes and passes to {@code sbatch}).
     *
     * @param plan     the plan
     * @param group    the group
     * @param planFile the plan's path on the nodes
     * @return the script
     */
    public String script(Plan plan, ArrayGroup group, Path planFile) {
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/bash\n");
        b.append("# qMeter plan ").append(plan.id()).append(": ").append(group.indices().size())
                .append(" configuration(s) on ").append(group.gpu()).append(" x").append(group.gpus()).append('\n');
        directive(b, "--job-name=qmeter-" + plan.id() + "-" + slug(group.gpu()) + "-tp" + group.gpus());
        directive(b, "--array=" + group.indices().stream().map(String::valueOf).collect(Collectors.joining(","))
                + (options.maxParallel() > 0 ? "%" + options.maxParallel() : ""));
        directive(b, "--ntasks=1");
        directive(b, "--cpus-per-task=" + options.cpusPerTask());
        if (options.requestGpus()) {
            directive(b, options.gres() ? "--gres=gpu:" + group.gpus() : "--gpus=" + group.gpus());
        }
        Optional<String> partition = Optional.ofNullable(options.partitionByGpu().get(group.gpu()))
                .or(options::partition);
        partition.ifPresent(p -> directive(b, "--partition=" + p));
        Optional.ofNullable(options.constraintByGpu().get(group.gpu())).ifPresent(c -> directive(b, "--constraint=" + c));
        options.account().ifPresent(a -> directive(b, "--account=" + a));
        options.qos().ifPresent(q -> directive(b, "--qos=" + q));
        directive(b, "--time=" + slurmTime(timeLimit(plan)));
        directive(b, "--output=" + options.workDir().resolve("%x-%A_%a.out"));
        directive(b, "--signal=B:TERM@60"); // to the batch shell, which exec-ed java: RunPoint stops and releases its claim
        b.append("# the store password reaches the task through the environment sbatch exports\n");
        b.append("# (QMETER_PG_PASSWORD or QMETER_PG_PASSWORD_FILE); it is never written here\n");
        b.append("set -e\n");
        List<String> cmd = new ArrayList<>();
        cmd.add(options.java());
        cmd.addAll(options.jvmArgs());
        cmd.add("-cp");
        cmd.add(options.classPath());
        cmd.add("io.qmeter.cluster.RunPoint");
        cmd.add("--plan");
        cmd.add(planFile.toString());
        cmd.add("--store");
        cmd.add(options.storeUrl());
        cmd.add("--user");
        cmd.add(options.storeUser());
        cmd.addAll(options.runPointArgs());
        b.append("exec ").append(cmd.stream().map(SlurmExecutor::quote).collect(Collectors.joining(" ")))
                .append(" --index \"$SLURM_ARRAY_TASK_ID\"\n");
        return b.toString();
    }

    /**
     * The {@code --time} of a plan's tasks: the fixed limit, or the estimate of one configuration
     * times the safety factor, rounded up to whole minutes, at least 10 minutes.
     *
     * @param plan the plan
     * @return the limit
     */
    public Duration timeLimit(Plan plan) {
        if (options.timeLimit().isPresent()) {
            return options.timeLimit().get();
        }
        Sizing.Estimate e = Sizing.estimate(plan, assumptions, 1, 8);
        Duration longest = e.needs().stream().map(Sizing.Need::time).max(Duration::compareTo).orElse(Duration.ZERO);
        long minutes = (long) Math.ceil(longest.toMillis() * options.timeFactor() / 60000.0);
        return Duration.ofMinutes(Math.max(10, minutes));
    }

    /**
     * Writes each group's script to the work folder and submits it with {@code sbatch --parsable}.
     *
     * @param plan     the plan
     * @param planFile the plan's path on the nodes (a shared file system)
     * @return the submission
     * @throws SlurmException when sbatch refuses a script (its message says why)
     */
    public Submission submit(Plan plan, Path planFile) {
        return submitGroups(plan, planFile, groups(plan));
    }

    /** Submits the given groups of a plan. */
    Submission submitGroups(Plan plan, Path planFile, List<ArrayGroup> groups) {
        List<SubmittedArray> arrays = new ArrayList<>();
        try {
            Files.createDirectories(options.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Slurm work folder " + options.workDir(), e);
        }
        for (ArrayGroup g : groups) {
            Path script = options.workDir().resolve("qmeter-" + plan.id() + "-" + slug(g.gpu()) + "-tp" + g.gpus()
                    + (groups.size() == 1 && g.indices().size() == 1 ? "-" + g.indices().get(0) : "") + ".sbatch");
            try {
                Files.writeString(script, script(plan, g, planFile), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the job script " + script, e);
            }
            CommandRunner.Result r = runner.run(List.of("sbatch", "--parsable", script.toString()));
            if (!r.ok()) {
                throw new SlurmException("sbatch refused " + script + " (exit " + r.exitCode() + "): "
                        + r.stderr().strip() + (r.stderr().contains("Invalid generic resource") ? "; on a cluster "
                        + "without --gpus support try SlurmOptions.withGres(true)" : ""));
            }
            String id = r.stdout().strip().split(";")[0];
            LOG.info("submitted plan {} {} x{} as array job {} (indices {})", plan.id(), g.gpu(), g.gpus(), id,
                    g.indices());
            arrays.add(new SubmittedArray(id, g, script));
        }
        return new Submission(plan.id(), arrays);
    }

    /**
     * The state of each task of a submission, by plan index: {@code squeue} for those the
     * controller knows, {@code sacct} for the others, {@link TaskState#ENDED} where accounting is off.
     *
     * @param s the submission
     * @return plan index to state
     * @throws SlurmException when squeue fails
     */
    public Map<Integer, TaskState> states(Submission s) {
        Map<Integer, TaskState> out = new java.util.TreeMap<>();
        String ids = s.arrays().stream().map(SubmittedArray::jobId).collect(Collectors.joining(","));
        CommandRunner.Result q = runner.run(List.of("squeue", "-h", "-r", "-j", ids, "-o", "%i|%T"));
        if (q.ok()) {
            parseTasks(q.stdout(), out);
        } else if (!q.stderr().contains("Invalid job id")) {
            throw new SlurmException("squeue failed (exit " + q.exitCode() + "): " + q.stderr().strip());
        }
        boolean missing = s.arrays().stream().flatMap(a -> a.group().indices().stream()).anyMatch(i -> !out.containsKey(i));
        if (missing) {
            CommandRunner.Result a = runner.run(List.of("sacct", "-n", "-P", "-X", "-j", ids, "-o", "JobID,State"));
            Map<Integer, TaskState> acct = new HashMap<>();
            if (a.ok()) {
                parseTasks(a.stdout(), acct);
            }
            for (SubmittedArray arr : s.arrays()) {
                for (int i : arr.group().indices()) {
                    out.computeIfAbsent(i, k -> acct.getOrDefault(k, TaskState.ENDED));
                }
            }
        }
        return out;
    }

    /** Lines of {@code jobid_index|STATE}; pending ranges ({@code 12_[3-5]}) are expanded. */
    static void parseTasks(String text, Map<Integer, TaskState> out) {
        for (String line : text.split("\n")) {
            String[] p = line.strip().split("\\|");
            if (p.length < 2 || !p[0].contains("_")) {
                continue;
            }
            String idx = p[0].substring(p[0].indexOf('_') + 1);
            TaskState st;
            try {
                st = TaskState.parse(p[1]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (int i : expand(idx)) {
                out.put(i, st);
            }
        }
    }

    static List<Integer> expand(String idx) {
        String t = idx.replace("[", "").replace("]", "");
        int pct = t.indexOf('%');
        if (pct >= 0) {
            t = t.substring(0, pct);
        }
        List<Integer> l = new ArrayList<>();
        for (String part : t.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash > 0) {
                int a = Integer.parseInt(part.substring(0, dash));
                int z = Integer.parseInt(part.substring(dash + 1));
                for (int i = a; i <= z; i++) {
                    l.add(i);
                }
            } else {
                l.add(Integer.parseInt(part));
            }
        }
        return l;
    }

    /**
     * Cancels every task of a submission ({@code scancel}: SIGTERM, then SIGKILL after the
     * cluster's KillWait; a task's RunPoint releases its claim on SIGTERM).
     *
     * @param s the submission
     * @throws SlurmException when scancel fails
     */
    public void cancel(Submission s) {
        List<String> cmd = new ArrayList<>(List.of("scancel"));
        s.arrays().forEach(a -> cmd.add(a.jobId()));
        check(runner.run(cmd), "scancel");
    }

    /**
     * Cancels one task, or sends its batch shell (the exec-ed RunPoint JVM) a signal with
     * {@code scancel --batch --signal=SIG}: {@code KILL} kills it as a crashed node would, without
     * the SIGTERM that {@code --full} sends first, so its claim is left to expire.
     *
     * @param s      the submission
     * @param index  the configuration's plan index
     * @param signal empty for a normal cancel, or e.g. {@code KILL}
     * @throws SlurmException when scancel fails
     */
    public void cancelTask(Submission s, int index, Optional<String> signal) {
        List<String> cmd = new ArrayList<>(List.of("scancel"));
        signal.ifPresent(sig -> {
            cmd.add("--batch");
            cmd.add("--signal=" + sig);
        });
        cmd.add(s.taskId(index));
        check(runner.run(cmd), "scancel");
    }

    private static void check(CommandRunner.Result r, String what) {
        if (!r.ok()) {
            throw new SlurmException(what + " failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    private static void directive(StringBuilder b, String arg) {
        b.append("#SBATCH ").append(arg).append('\n');
    }

    static String slurmTime(Duration d) {
        long s = d.toSeconds();
        long days = s / 86400;
        s %= 86400;
        String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        return days > 0 ? days + "-" + hms : hms;
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
    }

    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
