package io.qmeter.cluster.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmeter.cluster.slurm.SlurmExecutor;
import io.qmeter.sweep.Plan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Submits a plan to Kubernetes: its file as a ConfigMap, and per GPU shape (GPU type ×
 * tensor-parallel degree) an Indexed Job with one completion per configuration. Each pod runs
 * {@link io.qmeter.cluster.RunPoint} with {@code --index $(JOB_COMPLETION_INDEX) --indices <the
 * plan indices of this Job>}, requests {@code nvidia.com/gpu} = the degree, carries the GPU type's
 * node selector, gets {@code NODE_NAME} from the downward API and the store's URL, user and
 * password from the Secret ({@code secretKeyRef}). Exactly-once comes from the claims: a pod
 * retried by the Job controller, or a resubmitted plan, runs only what is missing.
 *
 * <pre>{@code
 * try (KubernetesClient client = new KubernetesClientBuilder().build()) {
 *     KubernetesExecutor k8s = new KubernetesExecutor(client, options);
 *     KubernetesExecutor.Submission s = k8s.submit(plan);
 *     Map<Integer, KubernetesExecutor.TaskStatus> st = k8s.status(s);
 * }
 * }</pre>
 */
public final class KubernetesExecutor {

    /** The label on every Job and pod with the plan's id (or its hash when too long for a label). */
    public static final String PLAN_LABEL = "qmeter.io/plan";
    /** The label on every pod with its Job's name. */
    public static final String JOB_LABEL = "qmeter.io/job";
    /** Kubernetes' annotation with an Indexed Job pod's completion index. */
    public static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
    /** Where the plan file is mounted in the pods. */
    public static final String PLAN_PATH = "/etc/qmeter/plan/plan.json";

    private final KubernetesClient client;
    private final KubernetesOptions options;

    /**
     * An executor over a client (not closed by it).
     *
     * @param client  the client
     * @param options how to build the Jobs
     */
    public KubernetesExecutor(KubernetesClient client, KubernetesOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * One submitted Job.
     *
     * @param name  its name
     * @param group the configurations it runs (completion index i runs plan index {@code indices[i]})
     */
    public record SubmittedJob(String name, SlurmExecutor.ArrayGroup group) {
    }

    /**
     * A submitted plan.
     *
     * @param planId    the plan
     * @param configMap the ConfigMap holding the plan file
     * @param jobs      its Jobs
     */
    public record Submission(String planId, String configMap, List<SubmittedJob> jobs) {

        /** Copies the list. */
        public Submission {
            jobs = List.copyOf(jobs);
        }
    }

    /** A task's phase. */
    public enum Phase {
        /** No pod yet, or its pod is pending. */
        PENDING,
        /** Its pod runs. */
        RUNNING,
        /** Its pod succeeded. */
        SUCCEEDED,
        /** Its last pod failed (see the failures). */
        FAILED
    }

    /**
     * One configuration's task.
     *
     * @param index    its plan index
     * @param phase    where it stands (its latest pod)
     * @param failures why its pods failed, oldest first
     */
    public record TaskStatus(int index, Phase phase, List<PodFailure> failures) {

        /** Copies the list. */
        public TaskStatus {
            Objects.requireNonNull(phase, "phase");
            failures = List.copyOf(failures);
        }
    }

    /**
     * The ConfigMap holding the plan file.
     *
     * @param plan the plan
     * @return the ConfigMap (not created)
     */
    public ConfigMap planConfigMap(Plan plan) {
        return new ConfigMapBuilder().withNewMetadata().withName(name("qmeter-plan", plan.id(), ""))
                .withNamespace(options.namespace()).addToLabels(PLAN_LABEL, labelValue(plan.id())).endMetadata()
                .addToData("plan.json", plan.toJson()).build();
    }

    /**
     * The Jobs of a plan, one per GPU shape.
     *
     * @param plan the plan
     * @return the Jobs (not created)
     */
    public List<Job> jobs(Plan plan) {
        List<Job> out = new ArrayList<>();
        String cm = name("qmeter-plan", plan.id(), "");
        for (SlurmExecutor.ArrayGroup g : SlurmExecutor.groups(plan)) {
            out.add(job(plan, g, cm, jobName(plan, g, 1)));
        }
        return out;
    }

    /** The Job name of a group; the n-th submission of the same plan (n &gt; 1) adds {@code -n}. */
    static String jobName(Plan plan, SlurmExecutor.ArrayGroup g, int n) {
        String shape = g.gpu().toLowerCase(Locale.ROOT) + "-tp" + g.gpus();
        return n == 1 ? name("qmeter", plan.id(), shape) : name("qmeter", plan.id(), shape + "-" + n);
    }

    private Job job(Plan plan, SlurmExecutor.ArrayGroup g, String configMap, String jobName) {
        List<String> args = new ArrayList<>(List.of("--plan", PLAN_PATH, "--index", "$(JOB_COMPLETION_INDEX)",
                "--indices", g.indices().stream().map(String::valueOf).collect(Collectors.joining(","))));
        args.addAll(options.runPointArgs());
        List<EnvVar> env = List.of(
                secretEnv("QMETER_PG_URL", options.urlKey()),
                secretEnv("QMETER_PG_USER", options.userKey()),
                secretEnv("QMETER_PG_PASSWORD", options.passwordKey()),
                new EnvVarBuilder().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName")
                        .endFieldRef().endValueFrom().build());
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (options.requestGpus()) {
            limits.put(options.gpuResource(), new Quantity(Integer.toString(g.gpus())));
        }
        Map<String, String> labels = Map.of(PLAN_LABEL, labelValue(plan.id()), JOB_LABEL, jobName);
        JobBuilder b = new JobBuilder().withNewMetadata().withName(jobName).withNamespace(options.namespace())
                .addToLabels(labels).endMetadata()
                .withNewSpec().withCompletionMode("Indexed").withCompletions(g.indices().size())
                .withParallelism(options.parallelism() == 0 ? g.indices().size() : options.parallelism())
                .withBackoffLimit(options.backoffLimit())
                .withActiveDeadlineSeconds(options.activeDeadline().map(d -> d.toSeconds()).orElse(null))
                .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata()
                .withNewSpec().withRestartPolicy("Never").withServiceAccountName(options.serviceAccount().orElse(null))
                .withNodeSelector(options.nodeSelectorByGpu().getOrDefault(g.gpu(), Map.of()))
                .addNewContainer().withName("runpoint").withImage(options.image()).withCommand(options.command())
                .withArgs(args).withEnv(env)
                .withNewResources().withLimits(limits).withRequests(limits).endResources()
                .addNewVolumeMount().withName("plan").withMountPath("/etc/qmeter/plan").withReadOnly(true).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("plan").withNewConfigMap().withName(configMap).endConfigMap().endVolume()
                .endSpec().endTemplate().endSpec();
        return b.build();
    }

    private EnvVar secretEnv(String name, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(options.secretName())
                .withKey(key).withOptional(false).endSecretKeyRef().endValueFrom().build();
    }

    /**
     * Creates the plan's ConfigMap (replacing an older one) and Jobs.
     *
     * @param plan the plan
     * @return the submission
     * @throws IllegalStateException when the store's Secret is missing from the namespace
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API refuses a resource
     */
    public Submission submit(Plan plan) {
        if (client.secrets().inNamespace(options.namespace()).withName(options.secretName()).get() == null) {
            throw new IllegalStateException("Secret " + options.secretName() + " is missing from namespace "
                    + options.namespace() + "; create it with keys " + options.urlKey() + ", " + options.userKey() + " and "
                    + options.passwordKey() + ": kubectl -n " + options.namespace() + " create secret generic "
                    + options.secretName() + " --from-literal=" + options.urlKey() + "=jdbc:postgresql://... --from-literal="
                    + options.userKey() + "=qmeter --from-file=" + options.passwordKey() + "=./pgpass");
        }
        ConfigMap cm = planConfigMap(plan);
        client.configMaps().inNamespace(options.namespace()).resource(cm)
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        List<SubmittedJob> jobs = new ArrayList<>();
        var api = client.batch().v1().jobs().inNamespace(options.namespace());
        for (SlurmExecutor.ArrayGroup g : SlurmExecutor.groups(plan)) {
            // a resubmitted plan gets new Jobs beside the old ones (a Job's pod template cannot change):
            // the claims make the new pods run only what is missing
            int n = 1;
            while (api.withName(jobName(plan, g, n)).get() != null) {
                n++;
            }
            Job j = api.resource(job(plan, g, cm.getMetadata().getName(), jobName(plan, g, n))).create();
            jobs.add(new SubmittedJob(j.getMetadata().getName(), g));
        }
        return new Submission(plan.id(), cm.getMetadata().getName(), jobs);
    }

    /**
     * Each configuration's task, from its pods: the latest pod's phase and every failed pod's cause.
     *
     * @param s the submission
     * @return plan index to status
     */
    public Map<Integer, TaskStatus> status(Submission s) {
        Map<Integer, TaskStatus> out = new TreeMap<>();
        for (SubmittedJob j : s.jobs()) {
            List<Pod> pods = client.pods().inNamespace(options.namespace()).withLabel(JOB_LABEL, j.name()).list()
                    .getItems();
            pods.sort((a, b) -> String.valueOf(a.getMetadata().getCreationTimestamp())
                    .compareTo(String.valueOf(b.getMetadata().getCreationTimestamp())));
            for (int i = 0; i < j.group().indices().size(); i++) {
                int planIndex = j.group().indices().get(i);
                String ci = Integer.toString(i);
                List<Pod> mine = pods.stream().filter(p -> p.getMetadata().getAnnotations() != null
                        && ci.equals(p.getMetadata().getAnnotations().get(INDEX_ANNOTATION))).toList();
                List<PodFailure> failures = new ArrayList<>();
                Phase phase = Phase.PENDING;
                for (Pod p : mine) {
                    PodFailure f = failureOf(p);
                    if (f != null) {
                        failures.add(f);
                    }
                    phase = phaseOf(p, f);
                }
                out.put(planIndex, new TaskStatus(planIndex, phase, failures));
            }
        }
        return out;
    }

    private static Phase phaseOf(Pod p, PodFailure f) {
        String ph = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Succeeded".equals(ph)) {
            return Phase.SUCCEEDED;
        }
        if ("Failed".equals(ph) || f != null) {
            return Phase.FAILED;
        }
        return "Running".equals(ph) ? Phase.RUNNING : Phase.PENDING;
    }

    /**
     * Why a pod failed, or null when it did not (yet).
     *
     * @param p the pod
     * @return the cause, or null
     */
    static PodFailure failureOf(Pod p) {
        String name = p.getMetadata().getName();
        var st = p.getStatus();
        if (st == null) {
            return null;
        }
        String reason = st.getReason() == null ? "" : st.getReason();
        String msg = st.getMessage() == null ? "" : st.getMessage();
        if ("Evicted".equals(reason)) {
            return new PodFailure.Evicted(name, reason, msg);
        }
        if ("DeadlineExceeded".equals(reason)) {
            return new PodFailure.DeadlineExceeded(name, msg);
        }
        List<ContainerStatus> cs = st.getContainerStatuses() == null ? List.of() : st.getContainerStatuses();
        for (ContainerStatus c : cs) {
            var w = c.getState() == null ? null : c.getState().getWaiting();
            if (w != null && w.getReason() != null && (w.getReason().equals("ErrImagePull")
                    || w.getReason().equals("ImagePullBackOff") || w.getReason().equals("InvalidImageName"))) {
                return new PodFailure.ImagePull(name, w.getReason(), w.getMessage() == null ? "" : w.getMessage());
            }
        }
        boolean failed = "Failed".equals(st.getPhase());
        List<PodCondition> conds = st.getConditions() == null ? List.of() : st.getConditions();
        for (PodCondition c : conds) {
            if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()) && failed) {
                return new PodFailure.Evicted(name, c.getReason() == null ? "DisruptionTarget" : c.getReason(),
                        c.getMessage() == null ? "" : c.getMessage());
            }
        }
        for (ContainerStatus c : cs) {
            var t = c.getState() == null ? null : c.getState().getTerminated();
            if (t == null) {
                continue;
            }
            if ("OOMKilled".equals(t.getReason())) {
                return new PodFailure.OutOfMemory(name, "container " + c.getName() + " was OOMKilled (exit "
                        + t.getExitCode() + ")");
            }
            if (t.getExitCode() != null && t.getExitCode() != 0) {
                return new PodFailure.Exited(name, t.getExitCode(), (t.getReason() == null ? "Error" : t.getReason())
                        + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            }
        }
        if (failed) {
            return new PodFailure.Other(name, reason, msg);
        }
        return null;
    }

    /**
     * Deletes the plan's Jobs (their pods with them, which get SIGTERM: RunPoint releases its
     * claims) and its ConfigMap.
     *
     * @param s the submission
     */
    public void cancel(Submission s) {
        for (SubmittedJob j : s.jobs()) {
            client.batch().v1().jobs().inNamespace(options.namespace()).withName(j.name())
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        }
        client.configMaps().inNamespace(options.namespace()).withName(s.configMap()).delete();
    }

    /** A DNS-1123 name of at most 63 characters: prefix, plan id and suffix, hashed when too long. */
    static String name(String prefix, String planId, String suffix) {
        String base = (prefix + "-" + planId + (suffix.isEmpty() ? "" : "-" + suffix)).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-").replaceAll("^-|-$", "");
        if (base.length() <= 63) {
            return base;
        }
        String h = hash(planId + "/" + suffix);
        return base.substring(0, 52).replaceAll("-$", "") + "-" + h;
    }

    /** A label value: the plan id when it fits, else a readable part and a hash. */
    static String labelValue(String planId) {
        if (planId.length() <= 63 && planId.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
            return planId;
        }
        String clean = planId.replaceAll("[^A-Za-z0-9._-]", "").replaceAll("^[^A-Za-z0-9]+", "");
        return (clean.length() > 40 ? clean.substring(0, 40) : clean).replaceAll("[^A-Za-z0-9]+$", "") + "-"
                + hash(planId);
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
