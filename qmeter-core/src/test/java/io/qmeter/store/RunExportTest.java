package io.qmeter.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunExportTest {

    static final Instant T = Instant.parse("2026-11-27T09:00:00.5Z");

    static List<StoredRun> runs() {
        return List.of(
                new StoredRun(new RunKey("p", "c1", "4rps", 0), RunStatus.OK, null,
                        Map.of("engine", "vllm", "note", " padded, \"quoted\"\nnext line "),
                        Map.of("ttft_p90_ms", 412.5, "energy", Double.NaN, "ratio", Double.POSITIVE_INFINITY), "{}", T),
                new StoredRun(new RunKey("p", "c2", "8rps", 1), RunStatus.FAILED, "engine died", Map.of("gpu", "H100"),
                        Map.of("tpot_p90_ms", 1e-7, "ratio", Double.NEGATIVE_INFINITY), "{\"a\":[1]}", T));
    }

    /** A strict RFC 4180 reader: enough to prove the writer's quoting round-trips. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        return rows;
    }

    @Test
    void csvHasAStableHeaderOneRowPerRunAndRoundTripsQuoting() {
        StringWriter w = new StringWriter();
        RunExport.csv(runs(), w);
        List<List<String>> rows = parseCsv(w.toString());
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly("plan_id", "configuration_id", "rate_label", "repetition", "status",
                "cause", "recorded_at", "engine", "gpu", "note", "energy", "ratio", "tpot_p90_ms", "ttft_p90_ms");
        assertThat(rows.get(1)).containsExactly("p", "c1", "4rps", "0", "OK", "", "2026-11-27T09:00:00.500Z", "vllm", "",
                " padded, \"quoted\"\nnext line ", "", "inf", "", "412.5");
        assertThat(rows.get(2)).containsExactly("p", "c2", "8rps", "1", "FAILED", "engine died",
                "2026-11-27T09:00:00.500Z", "", "H100", "", "", "-inf", "1.0E-7", "");
        assertThat(RunExport.columns(runs())).isEqualTo(rows.get(0));
        StringWriter again = new StringWriter();
        RunExport.csv(runs(), again);
        assertThat(again.toString()).isEqualTo(w.toString());
    }

    @Test
    void jsonLinesHaveTheSameKeysInOrderWithNullForMissingAndNonFinite() throws Exception {
        StringWriter w = new StringWriter();
        RunExport.jsonLines(runs(), w, true);
        String[] lines = w.toString().split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(lines[0]);
        List<String> keys = new ArrayList<>();
        first.fieldNames().forEachRemaining(keys::add);
        List<String> expected = new ArrayList<>(RunExport.columns(runs()));
        expected.add("payload");
        assertThat(keys).isEqualTo(expected);
        assertThat(first.get("repetition").isInt()).isTrue();
        assertThat(first.get("cause").isNull()).isTrue();
        assertThat(first.get("energy").isNull()).isTrue();
        assertThat(first.get("ratio").isNull()).isTrue();
        assertThat(first.get("gpu").isNull()).isTrue();
        assertThat(first.get("ttft_p90_ms").asDouble()).isEqualTo(412.5);
        assertThat(m.readTree(lines[1]).get("payload").get("a").get(0).asInt()).isEqualTo(1);
    }

    @Test
    void emptyExportIsJustTheHeader() {
        StringWriter w = new StringWriter();
        RunExport.csv(List.of(), w);
        assertThat(w.toString()).isEqualTo("plan_id,configuration_id,rate_label,repetition,status,cause,recorded_at\n");
    }

    @Test
    void quotingRules() {
        assertThat(RunExport.quote("plain")).isEqualTo("plain");
        assertThat(RunExport.quote("a,b")).isEqualTo("\"a,b\"");
        assertThat(RunExport.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(RunExport.quote(" x")).isEqualTo("\" x\"");
        assertThat(RunExport.quote("a\r\nb")).isEqualTo("\"a\r\nb\"");
        assertThat(RunExport.quote("")).isEmpty();
    }
}
