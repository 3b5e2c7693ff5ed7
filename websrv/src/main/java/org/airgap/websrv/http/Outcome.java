package org.airgap.websrv.http;

import java.util.List;
import java.util.Optional;

/**
 * What to answer: the status and, for 206, the ranges to send (one, or several as
 * multipart/byteranges); for 416 the {@code Content-Range} to send.
 */
public record Outcome(Status status, List<ByteRange> ranges, long length) {

  /** The statuses a GET or HEAD of an existing representation can end in. */
  public enum Status {
    OK(200),
    PARTIAL_CONTENT(206),
    NOT_MODIFIED(304),
    PRECONDITION_FAILED(412),
    RANGE_NOT_SATISFIABLE(416);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public Outcome {
    ranges = List.copyOf(ranges);
    if ((status == Status.PARTIAL_CONTENT) == ranges.isEmpty()) {
      throw new IllegalArgumentException("ranges are given exactly for 206");
    }
  }

  public boolean multipart() {
    return ranges.size() > 1;
  }

  /** Bytes of content to send for 200 or a single-range 206 (multipart: see its own length). */
  public long contentLength() {
    return switch (status) {
      case OK -> length;
      case PARTIAL_CONTENT -> ranges.stream().mapToLong(ByteRange::length).sum();
      default -> 0;
    };
  }

  /** The {@code Content-Range} header for a single-range 206 or a 416; empty otherwise. */
  public Optional<String> contentRange() {
    if (status == Status.RANGE_NOT_SATISFIABLE) {
      return Optional.of("bytes */" + length);
    }
    if (status == Status.PARTIAL_CONTENT && ranges.size() == 1) {
      return Optional.of(ranges.get(0).contentRange(length));
    }
    return Optional.empty();
  }
}
