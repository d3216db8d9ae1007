package io.qmeter.sweep;

import java.util.List;

/**
 * A plan is invalid. Each problem names the JSON path (or builder field), what was expected and
 * what was found, for example {@code $.configurations[2].tensorParallel: expected 1, 2, 4 or 8, was 3}.
 *
 * <pre>{@code
 * try { Plan.read(file); } catch (PlanException e) { e.problems().forEach(System.err::println); }
 * }</pre>
 */
public class PlanException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The problems, serializable. */
    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param source   where the plan came from (a file name, "JSON", "builder")
     * @param problems every problem found, at least one
     */
    public PlanException(String source, List<String> problems) {
        super("invalid plan (" + source + "), " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + ":\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Every problem found, one line each.
     *
     * @return the problems
     */
    public List<String> problems() {
        return problems;
    }
}
