package io.qmeter.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GpuSelectionTest {

    static final List<String> UUIDS = List.of(
            "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6",
            "GPU-1f3a0c22-5b9e-4d01-a7c4-0e2f6b9d8a11",
            "GPU-1f77aa00-0000-4d01-a7c4-0e2f6b9d8a22",
            "GPU-c0ffee00-1111-2222-3333-444455556666");

    static List<Integer> cuda(String value) {
        return GpuSelection.cudaVisibleDevices(value).resolve(UUIDS).nvmlIndices();
    }

    @Test
    void unsetMeansEveryGpu() {
        assertThat(cuda(null)).containsExactly(0, 1, 2, 3);
        assertThat(GpuSelection.all().resolve(UUIDS).nvmlIndices()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void indicesKeepTheirOrderAndIgnoreSpaces() {
        assertThat(cuda("2,0")).containsExactly(2, 0);
        assertThat(cuda(" 3 , 1 ")).containsExactly(3, 1);
    }

    @Test
    void fullUuidsAndUniquePrefixesSelectTheirGpu() {
        assertThat(cuda(UUIDS.get(3) + ",GPU-8932")).containsExactly(3, 0);
        assertThat(cuda("gpu-C0FFEE")).containsExactly(3); // case does not matter
        assertThat(cuda("GPU-1f3a,2")).containsExactly(1, 2);
    }

    @Test
    void anAmbiguousPrefixIsRefused() {
        assertThatThrownBy(() -> cuda("GPU-1f")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matches several GPUs").hasMessageContaining(UUIDS.get(1))
                .hasMessageContaining(UUIDS.get(2));
    }

    @Test
    void migInstancesAreRefusedBecauseNvmlHasNoPerInstancePower() {
        for (String mig : List.of("MIG-4f4e8a2c-1b7d-5e0f-9a3b-2c1d0e9f8a7b", "0,MIG-GPU-8932f937/1/0", "mig-abc")) {
            assertThatThrownBy(() -> cuda(mig)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("MIG instance").hasMessageContaining("per physical GPU");
        }
    }

    @Test
    void emptyMinusOneAndNoDevFilesHideEveryGpu() {
        for (String none : List.of("", "  ", "-1", "NoDevFiles")) {
            GpuSelection.Resolved r = GpuSelection.cudaVisibleDevices(none).resolve(UUIDS);
            assertThat(r.nvmlIndices()).as(none).isEmpty();
            assertThat(r.detail()).contains("hides every GPU");
        }
    }

    @Test
    void likeCudaTheListEndsAtTheFirstInvalidEntry() {
        GpuSelection.Resolved r = GpuSelection.cudaVisibleDevices("1,-1,0").resolve(UUIDS);
        assertThat(r.nvmlIndices()).containsExactly(1);
        assertThat(r.detail()).contains("stops reading at \"-1\"");
        assertThat(cuda("0,7,1")).containsExactly(0);
        assertThat(cuda("3,GPU-ffff,1")).containsExactly(3);
        assertThat(cuda("2,banana,1")).containsExactly(2);
        GpuSelection.Resolved none = GpuSelection.cudaVisibleDevices("9").resolve(UUIDS);
        assertThat(none.nvmlIndices()).isEmpty();
        assertThat(none.detail()).contains("no GPU has this index").contains("nothing to measure");
    }

    @Test
    void duplicatesAreRefused() {
        assertThatThrownBy(() -> cuda("0," + UUIDS.get(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void explicitSelectionsFailLoudlyOnAnUnknownGpu() {
        assertThatThrownBy(() -> GpuSelection.indices(0, 5).resolve(UUIDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"5\" selects no GPU")
                .hasMessageContaining("0..3");
        assertThatThrownBy(() -> GpuSelection.uuids("GPU-dead").resolve(UUIDS))
                .hasMessageContaining("no GPU has this UUID");
        assertThatThrownBy(() -> GpuSelection.uuids("8932f937")).hasMessageContaining("must start with \"GPU-\"");
        assertThatThrownBy(() -> GpuSelection.indices(-1)).hasMessageContaining("must be >= 0, was -1");
        assertThatThrownBy(() -> GpuSelection.indices()).hasMessageContaining("at least one");
    }

    @Property
    void anyPermutationOfIndicesOrUuidsResolvesToThatOrder(@ForAll @IntRange(min = 1, max = 4) int size,
                                                          @ForAll long seed) {
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
        Collections.shuffle(order, new java.util.Random(seed));
        List<Integer> pick = order.subList(0, size);
        java.util.Random r = new java.util.Random(seed ^ 0x5DEECE66DL);
        String value = pick.stream().map(i -> r.nextBoolean() ? Integer.toString(i) : UUIDS.get(i))
                .collect(Collectors.joining(","));
        assertThat(cuda(value)).containsExactlyElementsOf(pick);
    }
}
