package io.qmeter.engines;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code docs/engines.md} shows the catalogue as tables; this test regenerates them from the code
 * ({@link EngineCatalog}) and fails when the document says something else. When the code changed on
 * purpose, rewrite the tables with
 * {@code mvn -B -o -pl qmeter-engines -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest=EngineCatalogDocsTest
 * -Dqmeter.golden.update=true test}, then read the diff.
 */
class EngineCatalogDocsTest {

    private static final Path DOC = Path.of("../docs/engines.md");

    @Test
    void theMethodTableInTheDocsIsTheCodes() throws IOException {
        checkSection("methods", EngineCatalog.methodTable());
    }

    @Test
    void theGgufTableInTheDocsIsTheCodes() throws IOException {
        checkSection("gguf", EngineCatalog.ggufTable());
    }

    @Test
    void aDisagreementIsReportedLineByLine() {
        String diff = Golden.diff("| a | b |\n| c | d |\n", "| a | b |\n| c | e |\n");
        assertThat(diff).contains("line 2").contains("file: | c | d |").contains("code: | c | e |");
    }

    private static void checkSection(String name, String generated) throws IOException {
        String begin = "<!-- BEGIN GENERATED: " + name + " (EngineCatalogDocsTest) -->\n";
        String end = "<!-- END GENERATED: " + name + " -->";
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int from = doc.indexOf(begin);
        int to = doc.indexOf(end);
        if (from < 0 || to < from) {
            fail(DOC + " must hold the " + name + " table between the lines '" + begin.strip() + "' and '" + end + "'");
        }
        String inDoc = doc.substring(from + begin.length(), to);
        if (Boolean.getBoolean(Golden.UPDATE)) {
            Files.writeString(DOC, doc.substring(0, from + begin.length()) + generated + doc.substring(to),
                    StandardCharsets.UTF_8);
            return;
        }
        if (!inDoc.equals(generated)) {
            fail("the " + name + " table in " + DOC + " and the code disagree:\n" + Golden.diff(inDoc, generated)
                    + "\nIf the code is right, rerun with -D" + Golden.UPDATE + "=true and review `git diff docs/engines.md`.");
        }
    }
}
