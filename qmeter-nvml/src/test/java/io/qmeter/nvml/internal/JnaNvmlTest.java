package io.qmeter.nvml.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import io.qmeter.nvml.NvmlError;
import io.qmeter.nvml.NvmlException;
import org.junit.jupiter.api.Test;

class JnaNvmlTest {

    @Test
    void fieldValuesAreDecodedAtNvmlHsOffsets() {
        Memory m = new Memory(2L * FieldValue.SIZE);
        m.clear();
        // an unsigned-int power field whose upper union bytes hold garbage
        m.setInt(0, NvmlApi.FI_DEV_POWER_INSTANT);
        m.setInt(4, 0);
        m.setLong(8, 1_764_000_000_000_000L);
        m.setLong(16, 42);
        m.setInt(24, NvmlApi.VALUE_TYPE_UNSIGNED_INT);
        m.setInt(28, 0);
        m.setLong(32, 0xdeadbeef_000249f0L); // low 4 bytes: 150,000 mW
        // a failed unsigned-long-long field
        m.setInt(40, NvmlApi.FI_DEV_ENERGY);
        m.setInt(40 + 24, NvmlApi.VALUE_TYPE_UNSIGNED_LONG_LONG);
        m.setInt(40 + 28, NvmlError.NOT_SUPPORTED.code());
        m.setLong(40 + 32, -2L);

        FieldValue a = JnaNvml.decode(m, 0);
        assertThat(a.fieldId()).isEqualTo(186);
        assertThat(a.timestampMicros()).isEqualTo(1_764_000_000_000_000L);
        assertThat(a.latencyMicros()).isEqualTo(42);
        assertThat(a.ok()).isTrue();
        assertThat(a.asLong()).isEqualTo(150_000);

        FieldValue b = JnaNvml.decode(m, FieldValue.SIZE);
        assertThat(b.fieldId()).isEqualTo(191);
        assertThat(b.ok()).isFalse();
        assertThat(b.error()).isEqualTo(NvmlError.NOT_SUPPORTED);
        assertThat(b.asDouble()).isEqualTo(18446744073709551614.0); // unsigned
    }

    @Test
    void doubleAndSignedValuesKeepTheirMeaning() {
        Memory m = new Memory(FieldValue.SIZE);
        m.clear();
        m.setInt(24, NvmlApi.VALUE_TYPE_DOUBLE);
        m.setDouble(32, 12.5);
        assertThat(JnaNvml.decode(m, 0).asDouble()).isEqualTo(12.5);
        m.setInt(24, NvmlApi.VALUE_TYPE_SIGNED_INT);
        m.setLong(32, 0x7777_7777_ffff_fffeL);
        assertThat(JnaNvml.decode(m, 0).asLong()).isEqualTo(-2);
    }

    @Test
    void withoutTheLibraryLoadingFailsWithLibraryNotFound() {
        JnaNvml loaded;
        try {
            loaded = JnaNvml.load();
        } catch (NvmlException e) {
            assertThat(e.error()).isEqualTo(NvmlError.LIBRARY_NOT_FOUND);
            assertThat(e.getMessage()).contains("libnvidia-ml.so.1").contains("install the NVIDIA driver");
            return;
        }
        assumeTrue(false, "NVML is installed here (" + loaded.libraryName() + "); nothing to check");
    }
}
