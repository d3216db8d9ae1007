package io.qmeter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.qmeter.sweep.Plan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cluster submit --k8s and cancel --k8s against fabric8's mock API server (CRUD mode): no real cluster. */
@EnableKubernetesMockClient(crud = true)
class ClusterKubernetesTest {

    KubernetesClient client;

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the command closes the client it gets: hand it a second client on the same mock server
        CliContext ctx = CliContext.system().withEnv(Map.of()).withK8s(() -> new io.fabric8.kubernetes.client
                .KubernetesClientBuilder().withConfig(client.getConfiguration()).build());
        int code = Qmeter.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), ctx).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void submitCreatesIndexedJobsAndCancelDeletesThem() throws IOException {
        Plan plan = ClusterCommandTest.plan("k8s-cli");
        Path f = dir.resolve("plan.json");
        Files.writeString(f, plan.toJson(), StandardCharsets.UTF_8);

        Result missing = exec("cluster", "submit", f.toString(), "--k8s", "--namespace", "bench", "--secret",
                "qmeter-store", "--image", "registry.example/qmeter:0.1.0");
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("--secret: Secret qmeter-store is missing").contains("kubectl -n bench");

        client.secrets().inNamespace("bench").resource(new SecretBuilder().withNewMetadata().withName("qmeter-store")
                .endMetadata().withStringData(Map.of("url", "jdbc:postgresql://db/q", "user", "q", "password", "pw"))
                .build()).create();
        Result r = exec("cluster", "submit", f.toString(), "--k8s", "--namespace", "bench", "--secret", "qmeter-store",
                "--image", "registry.example/qmeter:0.1.0", "--node-selector",
                "H100=nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3");
        assertThat(r.code()).as(r.err()).isZero();
        List<Job> jobs = client.batch().v1().jobs().inNamespace("bench").list().getItems();
        assertThat(jobs).hasSize(3);
        assertThat(r.out()).contains("3 Indexed Jobs").contains("cancel: qmeter cluster cancel --k8s --namespace bench");
        Job h100 = jobs.stream().filter(j -> j.getSpec().getTemplate().getSpec().getNodeSelector() != null
                && !j.getSpec().getTemplate().getSpec().getNodeSelector().isEmpty()).findFirst().orElseThrow();
        assertThat(h100.getSpec().getTemplate().getSpec().getNodeSelector())
                .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");

        String cancelLine = r.out().lines().filter(l -> l.startsWith("cancel: ")).findFirst().orElseThrow()
                .substring("cancel: qmeter ".length());
        Result c = exec(cancelLine.split(" "));
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(client.batch().v1().jobs().inNamespace("bench").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("bench").list().getItems()).isEmpty();
    }
}
