package io.qmeter.cluster.k8s;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How plans become Kubernetes Jobs. The store is reached through a Secret holding the keys
 * {@code url}, {@code user} and {@code password} (names configurable): the Jobs reference it with
 * {@code secretKeyRef}, so neither the password nor the URL is ever part of a pod spec, a Job, a
 * ConfigMap or a log.
 *
 * <pre>{@code
 * KubernetesOptions o = KubernetesOptions.of("bench", "ghcr.io/me/qmeter:0.1", "qmeter-store")
 *         .withNodeSelector("H100", Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"));
 * }</pre>
 *
 * @param namespace        the namespace
 * @param image            an image with java and qMeter's jars (with qmeter-engines and the engines)
 * @param secretName       the Secret with the store's URL, user and password
 * @param urlKey           its key for the JDBC URL
 * @param userKey          its key for the user
 * @param passwordKey      its key for the password
 * @param command          the container command before RunPoint's arguments
 * @param runPointArgs     further RunPoint arguments (e.g. {@code --lease PT5M})
 * @param nodeSelectorByGpu node labels per GPU type (the plan's {@code gpu} value)
 * @param gpuResource      the extended resource requested per tensor-parallel degree
 * @param requestGpus      request GPUs at all (false only for CPU-only tests)
 * @param parallelism      how many pods of a Job run at once, 0 for all
 * @param backoffLimit     pod retries per Job before it fails (the claims keep retries exactly-once)
 * @param activeDeadline   the Job's deadline, if any
 * @param serviceAccount   the pods' service account, if not the default
 */
public record KubernetesOptions(String namespace, String image, String secretName, String urlKey, String userKey,
                                String passwordKey, List<String> command, List<String> runPointArgs,
                                Map<String, Map<String, String>> nodeSelectorByGpu, String gpuResource,
                                boolean requestGpus, int parallelism, int backoffLimit,
                                Optional<Duration> activeDeadline, Optional<String> serviceAccount) {

    /** Checks and copies. */
    public KubernetesOptions {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(secretName, "secretName");
        Objects.requireNonNull(urlKey, "urlKey");
        Objects.requireNonNull(userKey, "userKey");
        Objects.requireNonNull(passwordKey, "passwordKey");
        command = List.copyOf(command);
        runPointArgs = List.copyOf(runPointArgs);
        Map<String, Map<String, String>> m = new TreeMap<>();
        nodeSelectorByGpu.forEach((k, v) -> m.put(k, Map.copyOf(v)));
        nodeSelectorByGpu = Map.copyOf(m);
        Objects.requireNonNull(gpuResource, "gpuResource");
        Objects.requireNonNull(activeDeadline, "activeDeadline");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        if (runPointArgs.stream().anyMatch(a -> a.startsWith("--password") || a.startsWith("--store"))) {
            throw new IllegalArgumentException("runPointArgs must not carry the store or its password: both come from "
                    + "Secret " + secretName + " so that they never appear in the pod spec");
        }
        if (parallelism < 0 || backoffLimit < 0) {
            throw new IllegalArgumentException("parallelism and backoffLimit must be >= 0, were " + parallelism + " and "
                    + backoffLimit);
        }
    }

    /**
     * Defaults: Secret keys {@code url}, {@code user}, {@code password}; command
     * {@code java -cp /opt/qmeter/lib/* io.qmeter.cluster.RunPoint}; {@code nvidia.com/gpu}; all pods
     * at once; 3 retries; no deadline.
     *
     * @param namespace  the namespace
     * @param image      the image
     * @param secretName the store's Secret
     * @return the options
     */
    public static KubernetesOptions of(String namespace, String image, String secretName) {
        return new KubernetesOptions(namespace, image, secretName, "url", "user", "password",
                List.of("java", "-cp", "/opt/qmeter/lib/*", "io.qmeter.cluster.RunPoint"), List.of(), Map.of(),
                "nvidia.com/gpu", true, 0, 3, Optional.empty(), Optional.empty());
    }

    /**
     * A copy with node labels for one GPU type.
     *
     * @param gpu    the plan's {@code gpu} value
     * @param labels e.g. {@code nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3}
     * @return the copy
     */
    public KubernetesOptions withNodeSelector(String gpu, Map<String, String> labels) {
        Map<String, Map<String, String>> m = new TreeMap<>(nodeSelectorByGpu);
        m.put(gpu, labels);
        return new KubernetesOptions(namespace, image, secretName, urlKey, userKey, passwordKey, command, runPointArgs,
                m, gpuResource, requestGpus, parallelism, backoffLimit, activeDeadline, serviceAccount);
    }

    /**
     * A copy with further RunPoint arguments.
     *
     * @param args the arguments
     * @return the copy
     */
    public KubernetesOptions withRunPointArgs(List<String> args) {
        return new KubernetesOptions(namespace, image, secretName, urlKey, userKey, passwordKey, command, args,
                nodeSelectorByGpu, gpuResource, requestGpus, parallelism, backoffLimit, activeDeadline, serviceAccount);
    }

    /**
     * A copy running at most {@code n} pods of a Job at once.
     *
     * @param n 0 for all
     * @return the copy
     */
    public KubernetesOptions withParallelism(int n) {
        return new KubernetesOptions(namespace, image, secretName, urlKey, userKey, passwordKey, command, runPointArgs,
                nodeSelectorByGpu, gpuResource, requestGpus, n, backoffLimit, activeDeadline, serviceAccount);
    }

    /**
     * A copy with a Job deadline.
     *
     * @param d the deadline
     * @return the copy
     */
    public KubernetesOptions withActiveDeadline(Duration d) {
        return new KubernetesOptions(namespace, image, secretName, urlKey, userKey, passwordKey, command, runPointArgs,
                nodeSelectorByGpu, gpuResource, requestGpus, parallelism, backoffLimit, Optional.of(d), serviceAccount);
    }
}
