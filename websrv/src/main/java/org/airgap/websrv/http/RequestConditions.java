package org.airgap.websrv.http;

import java.util.Optional;
import java.util.function.Function;

/**
 * The request line method and the raw header values that {@link Conditionals#evaluate} looks at.
 * Build it from any server's header map with {@link #from}.
 */
public record RequestConditions(
    String method,
    Optional<String> range,
    Optional<String> ifRange,
    Optional<String> ifMatch,
    Optional<String> ifNoneMatch,
    Optional<String> ifModifiedSince,
    Optional<String> ifUnmodifiedSince) {

  /**
   * Reads the six headers through {@code header}, which returns a header's first value by its
   * case-insensitive name, or empty.
   */
  public static RequestConditions from(String method, Function<String, Optional<String>> header) {
    return new RequestConditions(
        method,
        header.apply("Range"),
        header.apply("If-Range"),
        header.apply("If-Match"),
        header.apply("If-None-Match"),
        header.apply("If-Modified-Since"),
        header.apply("If-Unmodified-Since"));
  }

  /** A plain GET without any of the headers. */
  public static RequestConditions get() {
    return from("GET", name -> Optional.empty());
  }
}
