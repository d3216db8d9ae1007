/**
 * Kubernetes executor (fabric8 kubernetes-client): an Indexed Job per GPU shape of a plan, one
 * completion per configuration running {@link io.qmeter.cluster.RunPoint}, {@code nvidia.com/gpu}
 * per tensor-parallel degree, a node selector per GPU type, the plan from a ConfigMap and the
 * store's URL, user and password from a Secret; pod failures and evictions as typed
 * {@link io.qmeter.cluster.k8s.PodFailure}s.
 *
 * <pre>{@code
 * KubernetesExecutor k8s = new KubernetesExecutor(client, KubernetesOptions.of("bench", "ghcr.io/me/qmeter:0.1", "qmeter-store"));
 * KubernetesExecutor.Submission s = k8s.submit(plan);
 * }</pre>
 */
package io.qmeter.cluster.k8s;
