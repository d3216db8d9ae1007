package io.qmeter.eval.data;

import java.util.Objects;

/**
 * One HumanEval problem as in OpenAI's {@code HumanEval.jsonl.gz}.
 *
 * <pre>{@code
 * HumanEvalProblem p = problems.get(0);
 * String program = p.program(p.canonicalSolution());   // passes its own tests
 * }</pre>
 *
 * @param taskId            e.g. {@code HumanEval/0}
 * @param prompt            the function signature and docstring the model completes
 * @param canonicalSolution the reference body
 * @param test              the test code defining {@code check(candidate)}
 * @param entryPoint        the function's name
 */
public record HumanEvalProblem(String taskId, String prompt, String canonicalSolution, String test,
                               String entryPoint) {

    /** Checks that no field is null. */
    public HumanEvalProblem {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(canonicalSolution, "canonicalSolution");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(entryPoint, "entryPoint");
    }

    /**
     * The program the HumanEval harness runs for a completion: prompt, completion, the tests, and
     * {@code check(entry_point)}.
     *
     * @param completion the generated body
     * @return the Python program
     */
    public String program(String completion) {
        return prompt + completion + "\n" + test + "\n" + "check(" + entryPoint + ")\n";
    }
}
