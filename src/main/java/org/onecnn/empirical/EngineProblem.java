package org.onecnn.empirical;

/**
 * Why a compute profile cannot run here with an engine ({@link EmpiricalEngine#problem}): the one judgement
 * {@code onecnn doctor}, a run and {@code bench empirical} share.
 *
 * @param engine whether the engine cannot run on this machine whatever the profile (no driver, no GPU, a JVM module
 *               missing), not the profile's settings: a run then names the field that chose the engine
 * @param line   one line: what is wrong and what to do
 */
public record EngineProblem(boolean engine, String line) {
}
