package io.qmeter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

class CsvQuotingPropertiesTest {

    @Property(tries = 300, seed = "20261127")
    void anyLabelTextRoundTripsThroughCsv(@ForAll @StringLength(max = 30) @Chars({'a', ',', '"', '\n', '\r', ' ', 'é'})
                                          String text) {
        StoredRun r = new StoredRun(new RunKey("p", "c", "1rps", 0), RunStatus.OK, null, Map.of("label", text),
                Map.of("m", 1.5), "{}", Instant.EPOCH);
        StringWriter w = new StringWriter();
        RunExport.csv(List.of(r), w);
        List<List<String>> rows = RunExportTest.parseCsv(w.toString());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get(rows.get(0).indexOf("label"))).isEqualTo(text);
    }
}
