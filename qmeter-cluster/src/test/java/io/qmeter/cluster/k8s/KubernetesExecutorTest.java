package io.qmeter.cluster.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.qmeter.metrics.Percentile;
import io.qmeter.metrics.Slo;
import io.qmeter.sweep.EngineSettings;
import io.qmeter.sweep.Plan;
import io.qmeter.sweep.RunLength;
import io.qmeter.sweep.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes executor against fabric8's mock API server in CRUD mode (no real cluster): the
 * Jobs it creates, the Secret-only store access, and how pod failures map to typed causes. The
 * mock runs no controllers, so the tests create the pods the Job controller would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesExecutorTest {

    static final String NS = "bench";
    static final String SECRET_PASSWORD = "pg-secret-never-in-a-spec";

    KubernetesClient client;

    static EngineSettings vllm(String q, int tp, String gpu) {
        return EngineSettings.builder().engine("vllm").model("meta-llama/Llama-2-13b-chat-hf").quantization(q)
                .tensorParallel(tp).gpu(gpu).build();
    }

    static Plan plan() {
        return Plan.builder("quant-13b").configurations(List.of(vllm("fp16", 1, "H100"), vllm("awq", 2, "H100"),
                        vllm("gptq", 1, "H100"), vllm("fp16", 1, "A100")))
                .workload(WorkloadSpec.synthetic(331, 231))
                .slo(Slo.builder().ttft(Percentile.of(90), Duration.ofSeconds(2)).build())
                .rates(1, 2).runLength(RunLength.requests(100)).seed(1).build();
    }

    KubernetesOptions options() {
        return KubernetesOptions.of(NS, "ghcr.io/example/qmeter:0.1.0", "qmeter-store")
                .withNodeSelector("H100", Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"))
                .withRunPointArgs(List.of("--lease", "PT5M")).withActiveDeadline(Duration.ofHours(6));
    }

    @BeforeEach
    void secret() {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("qmeter-store")
                .endMetadata().addToStringData("url", "jdbc:postgresql://db:5432/qmeter").addToStringData("user", "q")
                .addToStringData("password", SECRET_PASSWORD).build())
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    @Test
    void submitCreatesAConfigMapAndAnIndexedJobPerGpuShapeWithGpusNodeSelectorsAndSecretReferences() {
        KubernetesExecutor k8s = new KubernetesExecutor(client, options());
        KubernetesExecutor.Submission s = k8s.submit(plan());
        assertThat(s.jobs()).extracting(KubernetesExecutor.SubmittedJob::name)
                .containsExactly("qmeter-quant-13b-h100-tp1", "qmeter-quant-13b-h100-tp2", "qmeter-quant-13b-a100-tp1");

        assertThat(client.configMaps().inNamespace(NS).withName(s.configMap()).get().getData().get("plan.json"))
                .isEqualTo(plan().toJson());
        Job h100 = client.batch().v1().jobs().inNamespace(NS).withName("qmeter-quant-13b-h100-tp1").get();
        assertThat(h100.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(h100.getSpec().getCompletions()).isEqualTo(2);
        assertThat(h100.getSpec().getParallelism()).isEqualTo(2);
        assertThat(h100.getSpec().getActiveDeadlineSeconds()).isEqualTo(6 * 3600L);
        var pod = h100.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getNodeSelector()).containsExactlyEntriesOf(Map.of("nvidia.com/gpu.product",
                "NVIDIA-H100-80GB-HBM3"));
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("ghcr.io/example/qmeter:0.1.0");
        assertThat(c.getArgs()).containsExactly("--plan", KubernetesExecutor.PLAN_PATH, "--index",
                "$(JOB_COMPLETION_INDEX)", "--indices", "0,2", "--lease", "PT5M");
        assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(c.getVolumeMounts().get(0).getMountPath()).isEqualTo("/etc/qmeter/plan");
        Map<String, EnvVar> env = new java.util.HashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e));
        assertThat(env.get("QMETER_PG_PASSWORD").getValue()).isNull();
        assertThat(env.get("QMETER_PG_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("qmeter-store");
        assertThat(env.get("QMETER_PG_PASSWORD").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        assertThat(env.get("QMETER_PG_URL").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
        assertThat(env.get("NODE_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");

        Job tp2 = client.batch().v1().jobs().inNamespace(NS).withName("qmeter-quant-13b-h100-tp2").get();
        assertThat(tp2.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("2"));
        Job a100 = client.batch().v1().jobs().inNamespace(NS).withName("qmeter-quant-13b-a100-tp1").get();
        assertThat(a100.getSpec().getTemplate().getSpec().getNodeSelector()).isEmpty();

        // neither the password nor the store URL appears in anything the executor wrote
        String everything = client.batch().v1().jobs().inNamespace(NS).list().getItems().toString()
                + client.configMaps().inNamespace(NS).list().getItems();
        assertThat(everything).doesNotContain(SECRET_PASSWORD).doesNotContain("jdbc:postgresql");
    }

    @Test
    void aMissingSecretIsRefusedWithTheCommandThatCreatesIt() {
        KubernetesExecutor k8s = new KubernetesExecutor(client, KubernetesOptions.of(NS, "img", "absent"));
        assertThatThrownBy(() -> k8s.submit(plan())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Secret absent is missing").hasMessageContaining("kubectl -n bench create secret");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void podFailuresAndEvictionsSurfaceAsTypedCausesPerConfiguration() {
        KubernetesExecutor k8s = new KubernetesExecutor(client, options());
        KubernetesExecutor.Submission s = k8s.submit(plan());
        String tp1 = "qmeter-quant-13b-h100-tp1";
        // completion 0 (plan index 0): evicted by the kubelet, then retried and succeeded
        pod(tp1, "a-1", 0, "2026-12-01T00:00:01Z", "Failed", "Evicted", "The node was low on resource: memory.", null);
        pod(tp1, "a-2", 0, "2026-12-01T00:00:02Z", "Succeeded", null, null, terminated(0, "Completed"));
        // completion 1 (plan index 2): OOMKilled
        pod(tp1, "b-1", 1, "2026-12-01T00:00:01Z", "Failed", null, null, terminated(137, "OOMKilled"));
        String tp2 = "qmeter-quant-13b-h100-tp2";
        // plan index 1: the lease was lost (RunPoint exits 3)
        pod(tp2, "c-1", 0, "2026-12-01T00:00:01Z", "Failed", null, null, terminated(3, "Error"));
        String a100 = "qmeter-quant-13b-a100-tp1";
        // plan index 3: the image does not pull, still pending
        Pod p = pod(a100, "d-1", 0, "2026-12-01T00:00:01Z", "Pending", null, null, null);
        p.getStatus().setContainerStatuses(List.of(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                .withName("runpoint").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image").endWaiting().endState().build()));
        client.pods().inNamespace(NS).resource(p).update();

        Map<Integer, KubernetesExecutor.TaskStatus> st = k8s.status(s);
        assertThat(st.get(0).phase()).isEqualTo(KubernetesExecutor.Phase.SUCCEEDED);
        assertThat(st.get(0).failures()).containsExactly(new PodFailure.Evicted("a-1", "Evicted",
                "The node was low on resource: memory."));
        assertThat(st.get(2).phase()).isEqualTo(KubernetesExecutor.Phase.FAILED);
        assertThat(st.get(2).failures()).singleElement().isInstanceOf(PodFailure.OutOfMemory.class);
        assertThat(st.get(1).failures()).singleElement().isEqualTo(new PodFailure.Exited("c-1", 3, "Error"));
        assertThat(st.get(3).failures()).singleElement().isInstanceOf(PodFailure.ImagePull.class);
        assertThat(st.get(3).phase()).isEqualTo(KubernetesExecutor.Phase.FAILED);
    }

    @Test
    void anEvictionThroughTheApiAndADeadlineAreTypedToo() {
        Pod evicted = new PodBuilder().withNewMetadata().withName("e").endMetadata().withNewStatus().withPhase("Failed")
                .addNewCondition().withType("DisruptionTarget").withStatus("True").withReason("EvictionByEvictionAPI")
                .withMessage("Eviction API: evicting").endCondition().endStatus().build();
        assertThat(KubernetesExecutor.failureOf(evicted)).isEqualTo(new PodFailure.Evicted("e", "EvictionByEvictionAPI",
                "Eviction API: evicting"));
        Pod late = new PodBuilder().withNewMetadata().withName("l").endMetadata().withNewStatus().withPhase("Failed")
                .withReason("DeadlineExceeded").withMessage("Pod was active longer than deadline").endStatus().build();
        assertThat(KubernetesExecutor.failureOf(late)).isInstanceOf(PodFailure.DeadlineExceeded.class);
        Pod running = new PodBuilder().withNewMetadata().withName("r").endMetadata().withNewStatus().withPhase("Running")
                .endStatus().build();
        assertThat(KubernetesExecutor.failureOf(running)).isNull();
    }

    @Test
    void aResubmittedPlanGetsNewJobsBesideTheOldOnes() {
        KubernetesExecutor k8s = new KubernetesExecutor(client, options());
        k8s.submit(plan());
        KubernetesExecutor.Submission again = k8s.submit(plan());
        assertThat(again.jobs()).extracting(KubernetesExecutor.SubmittedJob::name).containsExactly(
                "qmeter-quant-13b-h100-tp1-2", "qmeter-quant-13b-h100-tp2-2", "qmeter-quant-13b-a100-tp1-2");
        Job j = client.batch().v1().jobs().inNamespace(NS).withName("qmeter-quant-13b-h100-tp1-2").get();
        assertThat(j.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(KubernetesExecutor.JOB_LABEL, "qmeter-quant-13b-h100-tp1-2");
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(6);
    }

    @Test
    void cancelDeletesTheJobsAndTheConfigMap() {
        KubernetesExecutor k8s = new KubernetesExecutor(client, options());
        KubernetesExecutor.Submission s = k8s.submit(plan());
        k8s.cancel(s);
        assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(NS).withName(s.configMap()).get()).isNull();
    }

    @Test
    void namesAndLabelsStayWithinKubernetesLimits() {
        String longId = "a".repeat(150) + ".x_y";
        String n = KubernetesExecutor.name("qmeter", longId, "h100-tp8");
        assertThat(n).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
        assertThat(KubernetesExecutor.labelValue(longId)).hasSizeLessThanOrEqualTo(63)
                .matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
        assertThat(KubernetesExecutor.labelValue("quant-13b")).isEqualTo("quant-13b");
        assertThatThrownBy(() -> options().withRunPointArgs(List.of("--store", "jdbc:postgresql://x")))
                .hasMessageContaining("Secret");
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus terminated(int code, String reason) {
        return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("runpoint").withNewState()
                .withNewTerminated().withExitCode(code).withReason(reason).endTerminated().endState().build();
    }

    private Pod pod(String job, String name, int index, String created, String phase, String reason, String message,
                    io.fabric8.kubernetes.api.model.ContainerStatus cs) {
        Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withCreationTimestamp(created)
                .addToLabels(KubernetesExecutor.JOB_LABEL, job)
                .addToAnnotations(KubernetesExecutor.INDEX_ANNOTATION, Integer.toString(index)).endMetadata()
                .withNewSpec().addNewContainer().withName("runpoint").withImage("img").endContainer().endSpec()
                .withNewStatus().withPhase(phase).withReason(reason).withMessage(message)
                .withContainerStatuses(cs == null ? List.of() : List.of(cs)).endStatus().build();
        return client.pods().inNamespace(NS).resource(p).create();
    }
}
