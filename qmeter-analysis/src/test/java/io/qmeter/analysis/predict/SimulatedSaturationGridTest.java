package io.qmeter.analysis.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatedSaturationGridTest {

    @Test
    void theSeedGridHasTheSeedsShape() {
        List<SimulatedSaturationGrid.Cell> cells = SimulatedSaturationGrid.seedGrid().cells();
        // H100: 4 models x 12 methods x 3 workloads x 4 TPs; A100: 4 x 8 x 3 x 3; synthetic: 12 x 16
        assertThat(cells).hasSize(576 + 288 + 192);
        assertThat(SimulatedSaturationGrid.syntheticCells()).hasSize(192)
                .allMatch(c -> c.tensorParallel() == 1 && c.model().name().equals("CodeLlama-34B"));
        assertThat(cells).filteredOn(c -> c.gpu().name().startsWith("A100")).noneMatch(c -> c.method().needsFp8());
    }

    @Test
    void aDiagonalSampleKeepsEveryLengthOfTheSyntheticPairs() {
        List<SimulatedSaturationGrid.Cell> sample = SimulatedSaturationGrid.seedGrid().everyKth(4).cells();
        // 864 / 4 of the main grid, all 16 pairs of 6 of the 12 methods
        assertThat(sample.size()).isBetween(864 / 4 - 2 + 96, 864 / 4 + 2 + 96);
        assertThat(sample).filteredOn(c -> c.workload().label().startsWith("synthetic")).hasSize(96);
        Set<String> synthetic = sample.stream().map(c -> c.workload().label()).filter(l -> l.startsWith("synthetic"))
                .collect(Collectors.toSet());
        Set<String> outputs = synthetic.stream().map(l -> l.substring(l.lastIndexOf('-') + 1)).collect(Collectors.toSet());
        Set<String> inputs = synthetic.stream().map(l -> l.split("-")[1]).collect(Collectors.toSet());
        assertThat(outputs).containsExactlyInAnyOrder("64", "128", "256", "512");
        assertThat(inputs).containsExactlyInAnyOrder("128", "256", "512", "1024");
        assertThat(sample.stream().map(SimulatedSaturationGrid.Cell::tensorParallel).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(1, 2, 4, 8);
        assertThat(SimulatedSaturationGrid.seedGrid().everyKth(1).cells()).hasSize(1056);
    }
}
