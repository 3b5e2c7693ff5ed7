package org.airgap.redfish.api;

import java.util.List;

/**
 * A request failed with one or more Redfish messages; the first one's status is the response's.
 * Handlers throw it; {@link ErrorRenderer} renders it.
 */
public final class RedfishException extends RuntimeException {
  /** One message: which error, its arguments, and the JSON pointers it concerns (maybe none). */
  public record Problem(RedfishError error, List<String> args, List<String> related) {
    public Problem {
      args = List.copyOf(args);
      related = List.copyOf(related);
    }

    public String message() {
      return error.format(args.toArray(String[]::new));
    }
  }

  private final List<Problem> problems;

  public RedfishException(RedfishError error, String... args) {
    this(List.of(new Problem(error, List.of(args), List.of())));
  }

  public RedfishException(List<Problem> problems) {
    super(problems.get(0).message());
    this.problems = List.copyOf(problems);
  }

  /** A property error about {@code pointer} (a JSON pointer such as {@code /Boot/Foo}). */
  public static Problem property(RedfishError error, String pointer, String... args) {
    return new Problem(error, List.of(args), List.of("#" + pointer));
  }

  public List<Problem> problems() {
    return problems;
  }

  public int status() {
    return problems.get(0).error().status();
  }
}
