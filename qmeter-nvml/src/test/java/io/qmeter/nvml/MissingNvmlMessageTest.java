package io.qmeter.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.power.EnergyQuality;
import org.junit.jupiter.api.Test;

/** Where NVIDIA's library is missing, the reason is one short line that says what to do. */
class MissingNvmlMessageTest {

    @Test
    void aMissingLibraryIsNamedWithWhatToDoAndWithoutTheSearchPath() {
        NvmlException e = new NvmlException("dlopen(nvidia-ml, libnvidia-ml.so.1)", "",
                NvmlError.LIBRARY_NOT_FOUND.code(), new UnsatisfiedLinkError("Unable to load library 'nvidia-ml':\n"
                        + "libnvidia-ml.so: cannot open shared object file\n" + "/a/b.jar:/c/d.jar:".repeat(200)));
        assertThat(e.getMessage()).contains("libnvidia-ml.so.1").contains("install the NVIDIA driver")
                .doesNotContain(".jar").doesNotContain("\n").hasSizeLessThan(300);
        assertThat(e.getCause()).isInstanceOf(UnsatisfiedLinkError.class); // the details stay in the cause
    }

    @Test
    void theRealSensorOnAMachineWithoutNvmlSaysSoBriefly() {
        try (NvmlPowerSensor s = new NvmlPowerSensor()) {
            if (s.capability().quality() != EnergyQuality.UNAVAILABLE) {
                return; // NVML works here: nothing to explain
            }
            String detail = s.capability().detail();
            assertThat(detail).doesNotContain(System.getProperty("java.class.path")).doesNotContain(".jar")
                    .doesNotContain("\n").hasSizeLessThan(400);
        }
    }
}
