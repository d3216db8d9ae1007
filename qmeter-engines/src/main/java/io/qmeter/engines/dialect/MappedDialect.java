package io.qmeter.engines.dialect;

import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.GpuCapability;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.QuantMethod;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.Support;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dialect whose seed methods map to a quantization flag value and a KV-cache dtype (vLLM, SGLang,
 * TensorRT-LLM): the checks are shared, the command lines are each engine's.
 */
abstract class MappedDialect implements EngineDialect {

    /** What a configuration resolves to. */
    record Resolved(Support support, Optional<String> quantization, Optional<String> kvCacheDtype,
                    Optional<QuantMethod> method) {
    }

    /** @return the engine's display name for messages, e.g. "vLLM" */
    abstract String displayName();

    /** @return the flag that carries the quantization, for notes, e.g. "--quantization" */
    abstract String quantizationFlag();

    /** @return the flag that carries the KV-cache dtype, for notes */
    abstract String kvFlag();

    /** @return every seed method's entry */
    abstract Map<QuantMethod, MethodEntry> entries();

    /** @return the engine-native quantization names passed through as they are */
    abstract List<String> nativeQuantizations();

    /** @return the KV-cache dtypes the engine accepts */
    abstract List<String> kvCacheDtypes();

    /** Checks of the configuration this engine needs beyond the shared ones; empty when fine. */
    Optional<Support> extraChecks(ServerConfig config) {
        return Optional.empty();
    }

    /** A GPU check of the KV-cache dtype chosen; empty when fine. */
    Optional<Support> kvGpuCheck(String kvCacheDtype, Optional<GpuCapability> gpu) {
        return Optional.empty();
    }

    /** Builds the plan of a supported configuration. */
    abstract LaunchPlan build(ServerConfig config, Resolved resolved);

    @Override
    public final Support support(ServerConfig config, Optional<GpuCapability> gpu) {
        return resolve(config, gpu).support();
    }

    @Override
    public final LaunchPlan plan(ServerConfig config) {
        Resolved r = resolve(config, Optional.empty());
        if (!r.support().supported()) {
            throw new IllegalArgumentException(r.support().reason());
        }
        return build(config, r);
    }

    final Resolved resolve(ServerConfig c, Optional<GpuCapability> gpu) {
        Optional<Support> bad = Common.checkTensorParallel(c);
        if (bad.isEmpty()) {
            bad = extraChecks(c);
        }
        if (bad.isPresent()) {
            return refused(bad.get());
        }
        String q = c.quantization().trim();
        Optional<QuantMethod> method = QuantMethod.find(q);
        MethodEntry entry;
        String what;
        if (method.isPresent()) {
            entry = entries().get(method.get());
            what = method.get().label();
            if (entry.refusal().isPresent()) {
                return refused(Support.no(entry.refusal().get()));
            }
        } else if (nativeQuantizations().contains(Common.lower(q))) {
            entry = MethodEntry.of(Common.lower(q), null, "a checkpoint " + displayName() + " serves as '"
                    + Common.lower(q) + "' (engine-native, no seed method; qMeter checks no GPU need for it)");
            what = Common.lower(q);
        } else {
            return refused(Support.no(displayName() + " takes a seed method (" + QuantMethod.labels() + ") or one of its own "
                    + quantizationFlag() + " values (" + String.join(", ", nativeQuantizations()) + "), was '"
                    + c.quantization() + "'"));
        }
        Optional<String> kv = entry.kvCacheDtype();
        if (c.kvCacheType().isPresent()) {
            String asked = Common.lower(c.kvCacheType().get());
            if (!kvCacheDtypes().contains(asked)) {
                return refused(Support.no(displayName() + "'s KV cache (" + kvFlag() + ") must be one of " + kvCacheDtypes()
                        + ", was '" + c.kvCacheType().get() + "'"));
            }
            if (kv.isPresent() && !kv.get().equals(asked)) {
                return refused(Support.no(what + " sets the KV cache to " + kv.get() + "; kvCacheType '"
                        + c.kvCacheType().get() + "' contradicts it: drop kvCacheType or choose a method without KV in its name"));
            }
            kv = Optional.of(asked);
        }
        Optional<Support> gpuNo = entry.checkGpu(gpu);
        if (gpuNo.isEmpty() && method.isPresent()) {
            gpuNo = Common.fp8(method.get(), gpu);
        }
        if (gpuNo.isEmpty() && kv.isPresent()) {
            gpuNo = kvGpuCheck(kv.get(), gpu);
        }
        if (gpuNo.isPresent()) {
            return refused(gpuNo.get());
        }
        StringBuilder note = new StringBuilder(what + ": ");
        note.append(entry.quantization().map(v -> quantizationFlag() + " " + v).orElse("no " + quantizationFlag()));
        kv.ifPresent(v -> note.append(", ").append(kvFlag()).append(' ').append(v));
        note.append("; expects ").append(entry.checkpoint());
        return new Resolved(Support.yes(note.toString()), entry.quantization(), kv, method);
    }

    private static Resolved refused(Support s) {
        return new Resolved(s, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
