package io.qmeter.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NvmlErrorTest {

    @Test
    void everyNvmlReturnCodeMapsToItsConstant() {
        for (int code = 0; code <= 30; code++) {
            NvmlError e = NvmlError.of(code);
            assertThat(e).as("code %d", code).isNotEqualTo(NvmlError.UNRECOGNIZED);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.meaning()).isNotBlank();
        }
        assertThat(NvmlError.of(999)).isEqualTo(NvmlError.UNKNOWN);
        assertThat(NvmlError.of(31)).isEqualTo(NvmlError.UNRECOGNIZED);
        assertThat(NvmlError.of(-1)).isEqualTo(NvmlError.UNRECOGNIZED);
        assertThat(NvmlError.of(3).nvmlName()).isEqualTo("NVML_ERROR_NOT_SUPPORTED");
        assertThat(NvmlError.of(0).nvmlName()).isEqualTo("NVML_SUCCESS");
    }

    @Test
    void capabilityGapsAndTransientErrorsAreTold() {
        assertThat(NvmlError.NOT_SUPPORTED.isCapabilityGap()).isTrue();
        assertThat(NvmlError.FUNCTION_NOT_FOUND.isCapabilityGap()).isTrue();
        assertThat(NvmlError.GPU_IS_LOST.isCapabilityGap()).isFalse();
        assertThat(NvmlError.TIMEOUT.isTransient()).isTrue();
        assertThat(NvmlError.GPU_IS_LOST.isTransient()).isFalse();
    }

    @Test
    void theMessageSaysWhatFailedWhatWasExpectedAndWhatToDo() {
        NvmlException e = new NvmlException("nvmlDeviceGetTotalEnergyConsumption", "GPU-89", 15);
        assertThat(e.error()).isEqualTo(NvmlError.GPU_IS_LOST);
        assertThat(e.returnCode()).isEqualTo(15);
        assertThat(e.function()).isEqualTo("nvmlDeviceGetTotalEnergyConsumption");
        assertThat(e.getMessage()).contains("nvmlDeviceGetTotalEnergyConsumption on GPU-89")
                .contains("NVML_ERROR_GPU_IS_LOST (15)").contains("expected NVML_SUCCESS").contains("what to do");
        assertThat(new NvmlException("f", "", 77).getMessage()).contains("(77)").contains("unknown to this qMeter");
    }
}
