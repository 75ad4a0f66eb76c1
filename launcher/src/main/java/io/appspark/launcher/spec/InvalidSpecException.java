package io.appspark.launcher.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A cluster spec that cannot be used; each problem names its field and how to fix it. */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<SpecProblem> problems;

  public InvalidSpecException(String source, List<SpecProblem> problems) {
    super(describe(source, problems));
    this.problems = List.copyOf(problems);
  }

  public List<SpecProblem> problems() {
    return problems;
  }

  private static String describe(String source, List<SpecProblem> problems) {
    return "invalid cluster spec ("
        + source
        + "):\n"
        + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }

  /** One problem: the field (dotted path) and what is wrong with it, with the allowed values. */
  public record SpecProblem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }
}
