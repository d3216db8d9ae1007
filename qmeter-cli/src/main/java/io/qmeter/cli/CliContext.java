package io.qmeter.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qmeter.cluster.slurm.CommandRunner;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the commands take from the world outside the JVM: the environment (the store's password
 * comes from here, never from the command line), the runner of Slurm's tools, the Kubernetes
 * client, the clock and the pause between re-renders of {@code cluster progress --watch}. Tests
 * give their own; {@link #system()} is the real one.
 *
 * @param env      the environment variables
 * @param slurm    runs sbatch, squeue, sacct and scancel
 * @param k8s      opens a Kubernetes client (the caller closes it)
 * @param clock    the clock deadlines are measured on
 * @param pauser   waits between two renders of a watch
 */
record CliContext(Map<String, String> env, CommandRunner slurm, Supplier<KubernetesClient> k8s, Clock clock,
                  Pauser pauser) {

    /** Waits a while (a watch's interval); tests advance a clock instead. */
    @FunctionalInterface
    interface Pauser {
        /**
         * Waits.
         *
         * @param d how long
         * @throws InterruptedException when interrupted
         */
        void pause(Duration d) throws InterruptedException;
    }

    CliContext {
        env = Map.copyOf(env);
        Objects.requireNonNull(slurm, "slurm");
        Objects.requireNonNull(k8s, "k8s");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pauser, "pauser");
    }

    /** The process's environment, Slurm's tools as processes, the kubeconfig's cluster, the system clock. */
    static CliContext system() {
        // an inner class, not a lambda: linking a lambda would load fabric8's classes at start-up, and a
        // class path without them (a GPU node that never submits to Kubernetes) could not run any command
        Supplier<KubernetesClient> k8s = new Supplier<>() {
            @Override
            public KubernetesClient get() {
                return new KubernetesClientBuilder().build();
            }
        };
        return new CliContext(System.getenv(), CommandRunner.processes(), k8s, Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
    }

    CliContext withEnv(Map<String, String> e) {
        return new CliContext(e, slurm, k8s, clock, pauser);
    }

    CliContext withSlurm(CommandRunner r) {
        return new CliContext(env, r, k8s, clock, pauser);
    }

    CliContext withK8s(Supplier<KubernetesClient> c) {
        return new CliContext(env, slurm, c, clock, pauser);
    }

    CliContext withTime(Clock c, Pauser p) {
        return new CliContext(env, slurm, k8s, c, p);
    }

    /** The context of the command line a subcommand belongs to. */
    static CliContext of(picocli.CommandLine.Model.CommandSpec spec) {
        return ((Qmeter) spec.root().userObject()).context;
    }
}
