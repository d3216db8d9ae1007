package io.qmeter.cluster.slurm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How plans are submitted to Slurm. The store's password is never part of it: tasks read
 * {@code QMETER_PG_PASSWORD} from the environment {@code sbatch} exports (or
 * {@code QMETER_PG_PASSWORD_FILE}, a file on the shared file system readable only by the user).
 *
 * <pre>{@code
 * SlurmOptions o = SlurmOptions.of(classPath, Path.of("/shared/qmeter/jobs"), "jdbc:postgresql://db:5432/qmeter", "qmeter")
 *         .withPartition("gpu").withConstraint("H100", "h100").withAccount("llm-bench");
 * }</pre>
 *
 * @param classPath        the class path of {@link io.qmeter.cluster.RunPoint} on the nodes (qMeter's jars with
 *                         qmeter-engines)
 * @param workDir          a shared folder for job scripts and task logs
 * @param storeUrl         the shared store's JDBC URL (no password)
 * @param storeUser        its user
 * @param java             the java command on the nodes
 * @param jvmArgs          JVM arguments for each task
 * @param runPointArgs     further {@code RunPoint} arguments (e.g. {@code --lease PT5M})
 * @param partition        the partition, if not the default
 * @param partitionByGpu   a partition per GPU type (plan {@code gpu} value), over {@code partition}
 * @param constraintByGpu  a {@code --constraint} per GPU type
 * @param account          {@code --account}, if any
 * @param qos              {@code --qos}, if any
 * @param gres             request GPUs as {@code --gres=gpu:N} instead of {@code --gpus=N}
 * @param requestGpus      request GPUs at all (false only for CPU-only tests with a simulated engine)
 * @param cpusPerTask      {@code --cpus-per-task}
 * @param timeLimit        a fixed {@code --time} for every task, over the plan's estimate
 * @param timeFactor       the estimate's safety factor for {@code --time}
 * @param maxParallel      the array's {@code %N} throttle, 0 for none
 */
public record SlurmOptions(String classPath, Path workDir, String storeUrl, String storeUser, String java,
                           List<String> jvmArgs, List<String> runPointArgs, Optional<String> partition,
                           Map<String, String> partitionByGpu, Map<String, String> constraintByGpu,
                           Optional<String> account, Optional<String> qos, boolean gres, boolean requestGpus,
                           int cpusPerTask, Optional<Duration> timeLimit, double timeFactor, int maxParallel) {

    /** Checks and copies. */
    public SlurmOptions {
        Objects.requireNonNull(classPath, "classPath");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(storeUrl, "storeUrl");
        Objects.requireNonNull(storeUser, "storeUser");
        Objects.requireNonNull(java, "java");
        jvmArgs = List.copyOf(jvmArgs);
        runPointArgs = List.copyOf(runPointArgs);
        Objects.requireNonNull(partition, "partition");
        partitionByGpu = Map.copyOf(partitionByGpu);
        constraintByGpu = Map.copyOf(constraintByGpu);
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (storeUrl.matches("(?i).*[?&]password=.*")) {
            throw new IllegalArgumentException("the store URL carries a password, which would be written into the job "
                    + "script; remove it and export QMETER_PG_PASSWORD (or QMETER_PG_PASSWORD_FILE) before submitting");
        }
        if (runPointArgs.stream().anyMatch(a -> a.startsWith("--password") && !a.startsWith("--password-file"))) {
            throw new IllegalArgumentException("runPointArgs must not carry a password; use QMETER_PG_PASSWORD");
        }
        if (cpusPerTask < 1) {
            throw new IllegalArgumentException("cpusPerTask must be >= 1, was " + cpusPerTask);
        }
        if (!(timeFactor >= 1) || Double.isInfinite(timeFactor)) {
            throw new IllegalArgumentException("timeFactor must be >= 1, was " + timeFactor);
        }
        if (maxParallel < 0) {
            throw new IllegalArgumentException("maxParallel must be >= 0, was " + maxParallel);
        }
    }

    /**
     * Defaults: {@code java}, no JVM or RunPoint arguments, the default partition, {@code --gpus=N},
     * 8 CPUs per task, {@code --time} twice the estimate, no throttle.
     *
     * @param classPath the class path on the nodes
     * @param workDir   a shared folder for scripts and logs
     * @param storeUrl  the store URL
     * @param storeUser the store user
     * @return the options
     */
    public static SlurmOptions of(String classPath, Path workDir, String storeUrl, String storeUser) {
        return new SlurmOptions(classPath, workDir, storeUrl, storeUser, "java", List.of(), List.of(), Optional.empty(),
                Map.of(), Map.of(), Optional.empty(), Optional.empty(), false, true, 8, Optional.empty(), 2.0, 0);
    }

    private SlurmOptions with(Optional<String> partition, Map<String, String> partitionByGpu,
                              Map<String, String> constraintByGpu, Optional<String> account, Optional<String> qos,
                              boolean gres, boolean requestGpus, int cpus, Optional<Duration> time, int maxParallel,
                              String java, List<String> jvmArgs, List<String> runPointArgs) {
        return new SlurmOptions(classPath, workDir, storeUrl, storeUser, java, jvmArgs, runPointArgs, partition,
                partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, cpus, time, timeFactor, maxParallel);
    }

    /**
     * A copy with a default partition.
     *
     * @param name the partition
     * @return the copy
     */
    public SlurmOptions withPartition(String name) {
        return with(Optional.of(name), partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, cpusPerTask,
                timeLimit, maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy with a partition for one GPU type.
     *
     * @param gpu       the plan's {@code gpu} value
     * @param partition its partition
     * @return the copy
     */
    public SlurmOptions withPartition(String gpu, String partition) {
        Map<String, String> m = new TreeMap<>(partitionByGpu);
        m.put(gpu, partition);
        return with(this.partition, m, constraintByGpu, account, qos, gres, requestGpus, cpusPerTask, timeLimit,
                maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy with a {@code --constraint} for one GPU type (a node feature such as {@code h100}).
     *
     * @param gpu        the plan's {@code gpu} value
     * @param constraint the constraint
     * @return the copy
     */
    public SlurmOptions withConstraint(String gpu, String constraint) {
        Map<String, String> m = new TreeMap<>(constraintByGpu);
        m.put(gpu, constraint);
        return with(partition, partitionByGpu, m, account, qos, gres, requestGpus, cpusPerTask, timeLimit, maxParallel,
                java, jvmArgs, runPointArgs);
    }

    /**
     * A copy with an account.
     *
     * @param name the account
     * @return the copy
     */
    public SlurmOptions withAccount(String name) {
        return with(partition, partitionByGpu, constraintByGpu, Optional.of(name), qos, gres, requestGpus, cpusPerTask,
                timeLimit, maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy that requests GPUs as {@code --gres=gpu:N} (older clusters) or not.
     *
     * @param use true for gres
     * @return the copy
     */
    public SlurmOptions withGres(boolean use) {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, use, requestGpus, cpusPerTask, timeLimit,
                maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy that requests no GPUs (a CPU-only test cluster with the simulated engine).
     *
     * @return the copy
     */
    public SlurmOptions withoutGpus() {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, gres, false, cpusPerTask, timeLimit,
                maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy with CPUs per task.
     *
     * @param n at least 1
     * @return the copy
     */
    public SlurmOptions withCpusPerTask(int n) {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, n, timeLimit,
                maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy with one fixed time limit for every task.
     *
     * @param limit the limit
     * @return the copy
     */
    public SlurmOptions withTimeLimit(Duration limit) {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, cpusPerTask,
                Optional.of(limit), maxParallel, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy that runs at most {@code n} tasks of an array at once.
     *
     * @param n at least 0 (0: no throttle)
     * @return the copy
     */
    public SlurmOptions withMaxParallel(int n) {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, cpusPerTask,
                timeLimit, n, java, jvmArgs, runPointArgs);
    }

    /**
     * A copy with the java command and JVM arguments.
     *
     * @param javaCommand the java executable on the nodes
     * @param args        JVM arguments
     * @return the copy
     */
    public SlurmOptions withJava(String javaCommand, List<String> args) {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, cpusPerTask,
                timeLimit, maxParallel, javaCommand, args, runPointArgs);
    }

    /**
     * A copy with further {@code RunPoint} arguments.
     *
     * @param args e.g. {@code List.of("--lease", "PT5M")}
     * @return the copy
     */
    public SlurmOptions withRunPointArgs(List<String> args) {
        return with(partition, partitionByGpu, constraintByGpu, account, qos, gres, requestGpus, cpusPerTask,
                timeLimit, maxParallel, java, jvmArgs, args);
    }
}
