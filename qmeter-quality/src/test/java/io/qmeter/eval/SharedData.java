package io.qmeter.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real datasets of {@code shared/datasets}, which lie beside the repository's root (in CI:
 * {@code <clone>/../shared/datasets}; in a worktree here possibly further up). Tests skip with a
 * reason when they are absent.
 */
public final class SharedData {

    private SharedData() {
    }

    /**
     * The repository root: the nearest folder upwards from the working directory holding a
     * {@code pom.xml} with {@code qmeter-bom} beside it.
     *
     * @return the root
     */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("qmeter-bom")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
            p = p.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    /**
     * A file of {@code shared/datasets}, looked for beside the repository root and the folders above it.
     *
     * @param name the file name
     * @return the file, or empty when absent
     */
    public static Optional<Path> file(String name) {
        Path p = repositoryRoot();
        while (p != null) {
            Path f = p.resolve("shared").resolve("datasets").resolve(name);
            if (Files.isRegularFile(f)) {
                return Optional.of(f);
            }
            p = p.getParent();
        }
        return Optional.empty();
    }

    /**
     * The reason to give when a dataset is absent.
     *
     * @param name the file name
     * @return the message
     */
    public static String missing(String name) {
        return "shared/datasets/" + name + " not found beside " + repositoryRoot()
                + " or above it (CI has it at <clone>/../shared/datasets)";
    }
}
