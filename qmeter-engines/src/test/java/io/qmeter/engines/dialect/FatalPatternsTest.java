package io.qmeter.engines.dialect;

import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.EngineDialects;
import io.qmeter.engines.FailureKind;
import io.qmeter.engines.FatalPattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Real log lines (llama.cpp's from the snapshot's sources, the others' as the engines print them) to typed causes. */
class FatalPatternsTest {

    static Optional<FailureKind> classify(String engine, String line) {
        return EngineDialects.find(engine).fatalPatterns().stream().filter(p -> p.matches(line)).findFirst()
                .map(FatalPattern::kind);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "llama.cpp | main: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 8080 | ADDRESS_IN_USE",
        "llama.cpp | error: invalid argument: --bogus | BAD_ARGUMENT",
        "llama.cpp | error while handling argument \"-ctk\": Unsupported cache type: fp8 | UNSUPPORTED_QUANTIZATION",
        "llama.cpp | llama_init_from_model: V cache quantization requires flash_attn | UNSUPPORTED_QUANTIZATION",
        "llama.cpp | gguf_init_from_file: failed to open GGUF file '/models/none.gguf' | MODEL_NOT_FOUND",
        "llama.cpp | srv    load_model: failed to load model, '/models/none.gguf' | MODEL_NOT_FOUND",
        "llama.cpp | llama_model_load: error loading model: failed to open /m/x.gguf: No such file or directory | MODEL_NOT_FOUND",
        "llama.cpp | ggml_backend_cuda_buffer_type_alloc_buffer: allocating 13000.00 MiB on device 0: cudaMalloc failed: out of memory | OUT_OF_MEMORY",
        "vllm | vllm serve: error: unrecognized arguments: --bogus | BAD_ARGUMENT",
        "vllm | torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB | OUT_OF_MEMORY",
        "vllm | ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` | OUT_OF_MEMORY",
        "vllm | OSError: [Errno 98] Address already in use | ADDRESS_IN_USE",
        "vllm | RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled system error | NCCL",
        "vllm | OSError: /models/x is not a local folder and is not a valid model identifier listed on 'https://huggingface.co/models' | MODEL_NOT_FOUND",
        "vllm | ValueError: Unknown quantization method: foo. Must be one of [...] | UNSUPPORTED_QUANTIZATION",
        "sglang | launch_server.py: error: argument --quantization: invalid choice: 'foo' | BAD_ARGUMENT",
        "sglang | RuntimeError: Not enough memory. Please try to increase --mem-fraction-static. | OUT_OF_MEMORY",
        "tensorrt-llm | Error: No such option: --bogus | BAD_ARGUMENT",
        "tensorrt-llm | [TensorRT-LLM][ERROR] CUDA runtime error in cudaMalloc: out of memory | OUT_OF_MEMORY",
        "openai-generic | ERROR: [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use | ADDRESS_IN_USE",
    })
    void knownLinesBecomeTypedCauses(String engine, String line, FailureKind kind) {
        assertThat(classify(engine, line)).contains(kind);
    }

    @Test
    void ordinaryLinesAreNotFatal() {
        for (EngineDialect d : EngineDialects.all()) {
            for (String line : new String[] {"INFO:     Started server process [4242]",
                "main: server is listening on http://127.0.0.1:8080 - starting the main loop",
                "srv  update_slots: all slots are idle", "llama_model_loader: - type q8_0:  226 tensors",
                "node1:4242:4242 [0] NCCL INFO NET/IB : No device found.",
                "node1:4242:4242 [0] misc/ibvwrap.cc:101 NCCL WARN Failed to open libibverbs.so[.1]",
                "WARNING: cannot read /proc/driver/nvidia/gpus: No such file or directory"}) {
                assertThat(classify(d.name(), line)).as(d.name() + ": " + line).isEmpty();
            }
            assertThat(d.fatalPatterns()).allSatisfy(p -> assertThat(p.advice()).isNotBlank());
        }
    }
}
