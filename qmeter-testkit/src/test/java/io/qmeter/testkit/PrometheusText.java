package io.qmeter.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** A strict little parser of the Prometheus text format, for the tests. */
final class PrometheusText {
    private PrometheusText() {
    }

    /** Metric name (labels dropped) to value; fails on any line that is not a comment or a sample. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] p = line.split(" ", 4);
                if (p.length < 4) {
                    throw new AssertionError("bad comment line: " + line);
                }
                if (line.startsWith("# TYPE ") && !p[3].matches("counter|gauge|histogram|summary|untyped")) {
                    throw new AssertionError("bad TYPE: " + line);
                }
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                throw new AssertionError("bad sample line: " + line);
            }
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new AssertionError("bad metric name '" + name + "' in: " + line);
            }
            if (brace >= 0 && !line.substring(brace, space).matches("\\{([a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\",?)*}")) {
                throw new AssertionError("bad labels in: " + line);
            }
            out.put(name, Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }
}
