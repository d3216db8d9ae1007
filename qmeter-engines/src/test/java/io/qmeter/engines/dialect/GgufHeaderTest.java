package io.qmeter.engines.dialect;

import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.Support;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The model's type from its GGUF metadata, as llama-quantize and gguf-py write it. */
class GgufHeaderTest {

    @TempDir
    Path dir;

    /** A GGUF v3 with no tensors and the metadata llama.cpp's writers put before general.file_type. */
    static byte[] gguf(int fileType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        u32(out, 3);
        u64(out, 0);
        u64(out, 5);
        key(out, "general.architecture", 8);
        str(out, "llama");
        key(out, "llama.context_length", 4);
        u32(out, 2048);
        key(out, "llama.rope.freq_base", 6);
        u32(out, Float.floatToIntBits(10000f));
        key(out, "tokenizer.ggml.tokens", 9);
        u32(out, 8);
        u64(out, 3);
        str(out, "<s>");
        str(out, "</s>");
        str(out, "\u2581the");
        key(out, "general.file_type", 4);
        u32(out, fileType);
        return out.toByteArray();
    }

    @Test
    void theMetadataNamesTheType() throws IOException {
        Path q8 = Files.write(dir.resolve("model.gguf"), gguf(7));
        assertThat(GgufType.ofFile(q8)).contains(GgufType.Q8_0);
        assertThat(GgufType.ofFile(Files.write(dir.resolve("b.gguf"), gguf(32)))).contains(GgufType.BF16);
        assertThat(GgufType.ofFile(Files.write(dir.resolve("k.gguf"), gguf(15)))).contains(GgufType.Q4_K_M);
    }

    @Test
    void notAGgufOrTruncatedOrAbsentGivesNothing() throws IOException {
        assertThat(GgufType.ofFile(Files.writeString(dir.resolve("x.gguf"), "not a gguf at all"))).isEmpty();
        byte[] whole = gguf(1);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 6);
        assertThat(GgufType.ofFile(Files.write(dir.resolve("cut.gguf"), cut))).isEmpty();
        assertThat(GgufType.ofFile(dir.resolve("absent.gguf"))).isEmpty();
    }

    @Test
    void theMetadataWinsOverAMisleadingName() throws IOException {
        // named f16 but holds Q8_0: asking for Q4_0 must not re-quantize it
        Path model = Files.write(dir.resolve("tiny-f16.gguf"), gguf(7));
        LlamaCppDialect d = new LlamaCppDialect();
        Support s = d.support(ServerConfig.of(model.toString(), "Q4_0").withWorkDirectory(dir), Optional.empty());
        assertThat(s.supported()).isFalse();
        assertThat(s.reason()).contains("already Q8_0 (by its GGUF metadata)");
        // an F16 file with no type in its name is quantized
        Path f16 = Files.write(dir.resolve("model.gguf"), gguf(1));
        LaunchPlan p = d.plan(ServerConfig.of(f16.toString(), "Q4_0").withWorkDirectory(dir));
        assertThat(p.preparation()).singleElement().satisfies(step ->
                assertThat(step.command()).containsExactly("llama-quantize", f16.toString(),
                        dir.resolve("model-Q4_0.gguf").toString(), "Q4_0"));
    }

    private static void key(ByteArrayOutputStream out, String k, int type) {
        str(out, k);
        u32(out, type);
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(out, b.length);
        out.writeBytes(b);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private static void u64(ByteArrayOutputStream out, long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}
