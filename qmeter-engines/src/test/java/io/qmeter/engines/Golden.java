package io.qmeter.engines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * Compares generated text with a file kept in the source tree. With {@code -Dqmeter.golden.update=true}
 * the file is rewritten instead (then review the change with {@code git diff} and commit it).
 */
public final class Golden {

    /** The system property that rewrites golden files instead of comparing. */
    public static final String UPDATE = "qmeter.golden.update";

    private Golden() {
    }

    /**
     * Fails with the first differing lines unless {@code actual} equals the file's text.
     *
     * @param file   the golden file, relative to the module directory
     * @param actual the generated text
     * @throws IOException when the file cannot be read or written
     */
    public static void check(Path file, String actual) throws IOException {
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail("golden file " + file.toAbsolutePath() + " does not exist; create it with -D" + UPDATE + "=true and review it");
        }
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            fail(file + " and the code disagree:\n" + diff(expected, actual)
                    + "\nIf the change is intended, rerun with -D" + UPDATE + "=true and review `git diff " + file + "`.");
        }
    }

    /** The first few differing lines, with line numbers. */
    static String diff(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.max(e.size(), a.size()) && shown < 8; i++) {
            String x = i < e.size() ? e.get(i) : "<end of file>";
            String y = i < a.size() ? a.get(i) : "<end of output>";
            if (!x.equals(y)) {
                b.append("line ").append(i + 1).append(":\n  file: ").append(x).append("\n  code: ").append(y).append('\n');
                shown++;
            }
        }
        if (shown == 0) {
            b.append("(line endings or a trailing newline differ)\n");
        }
        return b.toString();
    }
}
