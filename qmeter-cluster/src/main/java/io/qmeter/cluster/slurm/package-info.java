/**
 * Slurm executor: a plan becomes job arrays ({@code sbatch --array}), one task per configuration
 * running {@link io.qmeter.cluster.RunPoint}, GPUs per tensor-parallel degree, partition and
 * constraint per GPU type, time limits from the plan's estimate; state from {@code squeue} /
 * {@code sacct}; cancelled with {@code scancel}. Every command goes through a {@link
 * io.qmeter.cluster.slurm.CommandRunner}, so tests check the generated scripts and arguments.
 *
 * <pre>{@code
 * SlurmExecutor slurm = new SlurmExecutor(SlurmOptions.of(classPath, workDir, storeUrl, "qmeter")
 *         .withPartition("gpu").withConstraint("H100", "h100"));
 * SlurmExecutor.Submission s = slurm.submit(plan, planFile);
 * }</pre>
 */
package io.qmeter.cluster.slurm;
