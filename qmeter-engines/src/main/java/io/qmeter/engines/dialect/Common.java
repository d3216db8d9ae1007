package io.qmeter.engines.dialect;

import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.GpuCapability;
import io.qmeter.engines.QuantMethod;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.Support;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What the dialects share: GPU placement, TP checks, compute-capability checks, fatal log lines. */
final class Common {

    private Common() {
    }

    /**
     * The server's environment: the configuration's variables, then {@code CUDA_VISIBLE_DEVICES}
     * from its GPUs (which wins over one set by hand).
     */
    static Map<String, String> serverEnvironment(ServerConfig c) {
        Map<String, String> env = new TreeMap<>(c.environment());
        if (!c.gpus().isEmpty()) {
            env.put("CUDA_VISIBLE_DEVICES", gpuList(c));
        }
        return env;
    }

    static String gpuList(ServerConfig c) {
        return c.gpus().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** A refusal when the tensor-parallel degree exceeds the GPUs given; empty when fine. */
    static Optional<Support> checkTensorParallel(ServerConfig c) {
        for (int g : c.gpus()) {
            if (g < 0) {
                return Optional.of(Support.no("GPU indices must be >= 0, were " + c.gpus()));
            }
        }
        if (c.gpus().stream().distinct().count() != c.gpus().size()) {
            return Optional.of(Support.no("GPU indices must be distinct, were " + c.gpus()));
        }
        if (!c.gpus().isEmpty() && c.tensorParallel() > c.gpus().size()) {
            return Optional.of(Support.no("tensorParallel " + c.tensorParallel() + " needs " + c.tensorParallel()
                    + " GPUs, but only " + c.gpus().size() + " " + (c.gpus().size() == 1 ? "was" : "were")
                    + " given (" + c.gpus() + "); give more GPUs or lower tensorParallel"));
        }
        return Optional.empty();
    }

    /**
     * A refusal when the GPU's compute capability is below {@code major.minor}.
     *
     * @param what what needs it, e.g. "W8A8-FP needs FP8 tensor cores"
     */
    static Optional<Support> needCapability(Optional<GpuCapability> gpu, int major, int minor, String what) {
        if (gpu.isPresent() && !gpu.get().atLeast(major, minor)) {
            return Optional.of(Support.no(what + ", compute capability \u2265 " + major + "." + minor
                    + "; this GPU (" + gpu.get().name() + ") is " + gpu.get().computeCapability()));
        }
        return Optional.empty();
    }

    /** The FP8 check every engine makes for methods that compute in FP8. */
    static Optional<Support> fp8(QuantMethod m, Optional<GpuCapability> gpu) {
        if (!m.needsFp8()) {
            return Optional.empty();
        }
        return needCapability(gpu, 8, 9, m.label() + " needs FP8 tensor cores");
    }

    /** Where the server's API answers, for a client on the same machine. */
    static URI baseUrl(ServerConfig c) {
        String h = c.host();
        if (h.isBlank() || h.equals("0.0.0.0")) {
            h = "127.0.0.1";
        } else if (h.equals("::")) {
            h = "[::1]";
        } else if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return URI.create("http://" + h + ":" + c.port());
    }

    /** The served model name: the configuration's, else the model's last path element without its extension. */
    static String servedModelName(ServerConfig c) {
        if (c.servedModelName().isPresent()) {
            return c.servedModelName().get();
        }
        String m = c.model();
        while (m.endsWith("/")) {
            m = m.substring(0, m.length() - 1);
        }
        int slash = m.lastIndexOf('/');
        String last = slash >= 0 ? m.substring(slash + 1) : m;
        if (last.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            last = last.substring(0, last.length() - 5);
        }
        return last.isEmpty() ? "model" : last;
    }

    static String lower(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    static FatalPattern fatal(String regex, FailureKind kind, String advice) {
        return new FatalPattern(Pattern.compile(regex), kind, advice);
    }

    /** CUDA out of memory, as PyTorch and the CUDA runtime print it. */
    static final FatalPattern CUDA_OOM = fatal(
            "CUDA out of memory|torch\\.(cuda\\.)?OutOfMemoryError|CUDA error: out of memory|cudaErrorMemoryAllocation",
            FailureKind.OUT_OF_MEMORY,
            "the model and its KV cache do not fit: lower the context length or the concurrency, use a smaller "
                    + "quantization, more GPUs (tensorParallel), or free the GPU of other processes");

    /** NCCL failures between the engine's GPUs. */
    static final FatalPattern NCCL = fatal(
            "NCCL error|ncclInternalError|ncclSystemError|ncclUnhandledCudaError|ncclInvalidUsage|ncclRemoteError",
            FailureKind.NCCL,
            "collective communication between the GPUs failed: check the GPUs can reach each other (nvidia-smi topo -m), "
                    + "that no other job holds them, NCCL_P2P_DISABLE=1 as a test, or run with tensorParallel 1");

    /** The port is taken, as Python, uvicorn and most servers say it. */
    static final FatalPattern ADDRESS_IN_USE = fatal(
            "[Aa]ddress already in use|EADDRINUSE|error while attempting to bind on address",
            FailureKind.ADDRESS_IN_USE,
            "another process listens on this port: stop it or choose a free port");

    /** Python's argparse refusing the command line. */
    static final FatalPattern ARGPARSE = fatal(
            "error: unrecognized arguments:|error: argument [^:]+: invalid choice|error: the following arguments are required",
            FailureKind.BAD_ARGUMENT,
            "the engine refused its command line: check extraArgs and that the engine version knows these flags");

    /** Hugging Face / Python file errors for a model that is not there. */
    static final FatalPattern HF_NOT_FOUND = fatal(
            "is not a local folder and is not a valid model identifier|RepositoryNotFoundError"
                    + "|does not appear to have a file named|FileNotFoundError",
            FailureKind.MODEL_NOT_FOUND,
            "the model path or Hugging Face id is wrong, or the checkpoint is incomplete: check the model and that "
                    + "this machine can read it (no network here: use a local folder)");
}
