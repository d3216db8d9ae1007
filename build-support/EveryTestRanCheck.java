import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Fails the build when a test class of a module did not run in this build.
 *
 * <p>Run by the parent pom at {@code verify} with {@code java EveryTestRanCheck.java}; not part of
 * any published artifact. A test class is any non-abstract top-level class under
 * {@code src/test/java} that holds a JUnit or jqwik test annotation, or that inherits tests: it
 * extends an abstract class of the module's tests that holds them, or a compatibility kit or
 * contract (a superclass named {@code *Kit} or {@code *Contract}). Each one must have a report in
 * {@code surefire-reports} or
 * {@code failsafe-reports} written during this build, unless the class is tagged with an excluded
 * group. The check steps aside when tests were skipped or filtered ({@code -Dtest}, {@code -Dit.test}, {@code -Dgroups}).
 *
 * <p>Arguments: module folder, build folder, build start (ISO instant), excluded groups
 * (comma-separated), then {@code name=value} for skipTests, maven.test.skip, skipITs, test,
 * it.test and groups (an unset property arrives empty or as its own {@code ${...}} text).
 */
public class EveryTestRanCheck {

    private static final Pattern TEST_ANNOTATION = Pattern.compile(
            "@(Test|Property|Example|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b");
    private static final Pattern KIT_NAME = Pattern.compile(".*(Kit|Contract)");
    private static final Pattern IT_NAME = Pattern.compile("(IT.*|.*IT|.*ITCase)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");

    public static void main(String[] args) throws IOException {
        Path module = Path.of(args[0]);
        Path build = Path.of(args[1]);
        Instant start = Instant.parse(args[2]);
        Set<String> excludedGroups = Arrays.stream(args[3].split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        java.util.Map<String, String> props = new java.util.HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq > 0) {
                props.put(args[i].substring(0, eq), args[i].substring(eq + 1).trim());
            }
        }
        boolean skipAll = isTrue(props.get("skipTests")) || isTrue(props.get("maven.test.skip"));
        boolean skipIts = isTrue(props.get("skipITs"));
        if (skipAll || given(props.get("test")) || given(props.get("it.test")) || given(props.get("groups"))) {
            System.out.println("[every-test-ran] skipped: tests were skipped or filtered in this build");
            return;
        }
        Path sources = module.resolve("src/test/java");
        if (!Files.isDirectory(sources)) {
            return;
        }
        List<String> missing = new ArrayList<>();
        int expected = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        // abstract classes with tests, which subclasses inherit
        Set<String> testBases = new java.util.HashSet<>();
        for (Path file : files) {
            String name = simpleName(file);
            String text = Files.readString(file);
            if (isAbstract(text, name) && TEST_ANNOTATION.matcher(text).find()) {
                testBases.add(name);
            }
        }
        for (Path file : files) {
            String name = simpleName(file);
            String text = Files.readString(file);
            if (name.equals("package-info") || isAbstract(text, name)
                    || !Pattern.compile("\\bclass\\s+" + name + "\\b").matcher(text).find()) {
                continue;
            }
            boolean annotated = TEST_ANNOTATION.matcher(text).find();
            Matcher parent = Pattern.compile("\\bclass\\s+" + name + "\\s*(?:<[^{]*?>)?\\s+extends\\s+([\\w.]+)")
                    .matcher(text);
            String superName = parent.find() ? parent.group(1).replaceFirst(".*\\.", "") : "";
            boolean inherits = testBases.contains(superName) || KIT_NAME.matcher(superName).matches();
            if (!annotated && !inherits) {
                continue;
            }
            if (taggedExcluded(text, name, excludedGroups) || (skipIts && IT_NAME.matcher(name).matches())) {
                continue;
            }
            Matcher pkg = PACKAGE.matcher(text);
            String fqcn = (pkg.find() ? pkg.group(1) + "." : "") + name;
            expected++;
            if (!ranInThisBuild(build, fqcn, start)) {
                missing.add(fqcn);
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("[every-test-ran] " + missing.size() + " of " + expected
                    + " test classes in " + module.getFileName() + " did not run in this build: "
                    + String.join(", ", missing));
            System.err.println("[every-test-ran] expected a report in " + build.resolve("surefire-reports")
                    + " or " + build.resolve("failsafe-reports") + "; name unit tests *Test and "
                    + "integration tests *IT, or tag the class with an excluded group (" + excludedGroups + ")");
            System.exit(1);
        }
        System.out.println("[every-test-ran] all " + expected + " test classes of " + module.getFileName() + " ran");
    }

    private static String simpleName(Path file) {
        return file.getFileName().toString().replaceFirst("\\.java$", "");
    }

    private static boolean isAbstract(String text, String name) {
        return Pattern.compile("\\babstract\\s+class\\s+" + name + "\\b").matcher(text).find();
    }

    private static boolean ranInThisBuild(Path build, String fqcn, Instant start) throws IOException {
        for (String folder : List.of("surefire-reports", "failsafe-reports")) {
            Path report = build.resolve(folder).resolve("TEST-" + fqcn + ".xml");
            // a second of slack: some file systems keep whole seconds
            if (Files.isRegularFile(report)
                    && !Files.getLastModifiedTime(report).toInstant().isBefore(start.minusSeconds(1))) {
                return true;
            }
        }
        return false;
    }

    /** True when a {@code @Tag} naming an excluded group stands before the class declaration. */
    private static boolean taggedExcluded(String text, String name, Set<String> groups) {
        Matcher decl = Pattern.compile("\\bclass\\s+" + name + "\\b").matcher(text);
        if (!decl.find()) {
            return false;
        }
        Matcher tag = Pattern.compile("@Tag\\(\\s*\"([^\"]+)\"\\s*\\)").matcher(text.substring(0, decl.start()));
        while (tag.find()) {
            if (groups.contains(tag.group(1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTrue(String value) {
        return "true".equalsIgnoreCase(value);
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank() && !value.startsWith("${");
    }
}
