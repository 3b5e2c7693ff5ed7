package org.airgap.websrv.http;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates conditional and range requests against a representation in the order of RFC 9110
 * section 13.2.2: If-Match, If-Unmodified-Since (412); If-None-Match, If-Modified-Since (304 for
 * GET/HEAD, 412 otherwise); then If-Range and Range (206, 416 or 200).
 *
 * <p>Transport-independent: plain strings in, an {@link Outcome} out. Range is honoured for GET
 * only (RFC 9110 section 14.2); HEAD answers as the full GET would.
 */
public final class Conditionals {
  private Conditionals() {}

  /** Evaluates with the default multi-range cap. */
  public static Outcome evaluate(RequestConditions req, Representation rep) {
    return evaluate(req, rep, RangeHeader.DEFAULT_MAX_RANGES);
  }

  public static Outcome evaluate(RequestConditions req, Representation rep, int maxRanges) {
    boolean getOrHead = req.method().equals("GET") || req.method().equals("HEAD");
    if (req.ifMatch().isPresent()) {
      if (!EntityTag.parseList(req.ifMatch().get()).anyStrongMatch(rep.etag())) {
        return plain(Outcome.Status.PRECONDITION_FAILED, rep);
      }
    } else if (req.ifUnmodifiedSince().isPresent()) {
      Optional<Instant> date = HttpDates.parse(req.ifUnmodifiedSince().get());
      if (date.isPresent() && rep.lastModified().isAfter(date.get())) {
        return plain(Outcome.Status.PRECONDITION_FAILED, rep);
      }
    }
    if (req.ifNoneMatch().isPresent()) {
      if (EntityTag.parseList(req.ifNoneMatch().get()).anyWeakMatch(rep.etag())) {
        return plain(
            getOrHead ? Outcome.Status.NOT_MODIFIED : Outcome.Status.PRECONDITION_FAILED, rep);
      }
    } else if (getOrHead && req.ifModifiedSince().isPresent()) {
      Optional<Instant> date = HttpDates.parse(req.ifModifiedSince().get());
      if (date.isPresent() && !rep.lastModified().isAfter(date.get())) {
        return plain(Outcome.Status.NOT_MODIFIED, rep);
      }
    }
    if (!req.method().equals("GET") || req.range().isEmpty()) {
      return plain(Outcome.Status.OK, rep);
    }
    if (req.ifRange().isPresent() && !ifRangeHolds(req.ifRange().get(), rep)) {
      return plain(Outcome.Status.OK, rep);
    }
    RangeResult r = RangeHeader.parse(req.range().get(), rep.length(), maxRanges);
    if (r instanceof RangeResult.Partial p) {
      return new Outcome(Outcome.Status.PARTIAL_CONTENT, p.ranges(), rep.length());
    }
    if (r instanceof RangeResult.Unsatisfiable) {
      return plain(Outcome.Status.RANGE_NOT_SATISFIABLE, rep);
    }
    return plain(Outcome.Status.OK, rep);
  }

  /**
   * If-Range (RFC 9110 section 13.1.5): an entity tag must match strongly; a date must equal the
   * last modification exactly. Anything else (a weak tag, a malformed value) means "send it all".
   */
  public static boolean ifRangeHolds(String ifRange, Representation rep) {
    String v = ifRange.strip();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return EntityTag.parse(v).map(t -> t.strongMatch(rep.etag())).orElse(false);
    }
    return HttpDates.parse(v).map(d -> d.equals(rep.lastModified())).orElse(false);
  }

  private static Outcome plain(Outcome.Status status, Representation rep) {
    return new Outcome(status, List.of(), rep.length());
  }
}
