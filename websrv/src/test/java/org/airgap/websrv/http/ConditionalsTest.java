package org.airgap.websrv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionalsTest {
  static final Instant MTIME = Instant.parse("2024-03-27T05:24:00.123Z");
  static final Representation REP = new Representation(1000, EntityTag.strong("v1"), MTIME);
  static final String DATE = "Wed, 27 Mar 2024 05:24:00 GMT";
  static final String EARLIER = "Wed, 27 Mar 2024 05:23:59 GMT";
  static final String LATER = "Wed, 27 Mar 2024 05:24:01 GMT";

  /** One request: method and headers as "Name: value" lines; the expected status and ranges. */
  record Case(String method, String headers, int status, String contentRange) {
    @Override
    public String toString() {
      return method + " [" + headers.replace("\n", "; ") + "] -> " + status;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("GET", "", 200, ""),
        new Case("GET", "Range: bytes=0-9", 206, "bytes 0-9/1000"),
        new Case("HEAD", "Range: bytes=0-9", 200, ""),
        new Case("GET", "Range: bytes=2000-", 416, "bytes */1000"),
        new Case("GET", "Range: bytes=0-9\nIf-Range: \"v1\"", 206, "bytes 0-9/1000"),
        new Case("GET", "Range: bytes=0-9\nIf-Range: \"v2\"", 200, ""),
        new Case("GET", "Range: bytes=0-9\nIf-Range: W/\"v1\"", 200, ""),
        new Case("GET", "Range: bytes=0-9\nIf-Range: " + DATE, 206, "bytes 0-9/1000"),
        new Case("GET", "Range: bytes=0-9\nIf-Range: " + EARLIER, 200, ""),
        new Case("GET", "Range: bytes=0-9\nIf-Range: " + LATER, 200, ""),
        new Case("GET", "Range: bytes=0-9\nIf-Range: garbage", 200, ""),
        new Case("GET", "Range: bytes=5000-\nIf-Range: \"v2\"", 200, ""),
        new Case("GET", "If-None-Match: \"v1\"", 304, ""),
        new Case("GET", "If-None-Match: W/\"v1\"", 304, ""),
        new Case("GET", "If-None-Match: \"a\", \"v1\"", 304, ""),
        new Case("HEAD", "If-None-Match: *", 304, ""),
        new Case("GET", "If-None-Match: \"v2\"", 200, ""),
        new Case("GET", "If-None-Match: \"v2\"\nIf-Modified-Since: " + DATE, 200, ""),
        new Case("GET", "If-Modified-Since: " + DATE, 304, ""),
        new Case("GET", "If-Modified-Since: " + LATER, 304, ""),
        new Case("GET", "If-Modified-Since: " + EARLIER, 200, ""),
        new Case("GET", "If-Modified-Since: Sunday, 27-Mar-24 05:24:00 GMT", 200, ""),
        new Case("GET", "If-Modified-Since: Wed Mar 27 05:24:00 2024", 304, ""),
        new Case("GET", "If-Modified-Since: not a date", 200, ""),
        new Case("GET", "If-Match: \"v1\"", 200, ""),
        new Case("GET", "If-Match: *", 200, ""),
        new Case("GET", "If-Match: \"v2\"", 412, ""),
        new Case("GET", "If-Match: W/\"v1\"", 412, ""),
        new Case("GET", "If-Unmodified-Since: " + EARLIER, 412, ""),
        new Case("GET", "If-Unmodified-Since: " + DATE, 200, ""),
        new Case("GET", "If-Match: \"v1\"\nIf-Unmodified-Since: " + EARLIER, 200, ""),
        new Case("PUT", "If-None-Match: *", 412, ""),
        new Case("GET", "If-Match: \"v1\"\nIf-None-Match: \"v1\"", 304, ""),
        new Case("GET", "If-Match: \"v1\"\nRange: bytes=-10", 206, "bytes 990-999/1000"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void evaluates(Case c) {
    Outcome o = Conditionals.evaluate(request(c.method(), c.headers()), REP);
    assertThat(o.status().code()).isEqualTo(c.status());
    assertThat(o.contentRange().orElse("")).isEqualTo(c.contentRange());
  }

  @Test
  void multipleRangesAreKeptInOrder() {
    Outcome o = Conditionals.evaluate(request("GET", "Range: bytes=10-19,0-4"), REP);
    assertThat(o.multipart()).isTrue();
    assertThat(o.ranges()).containsExactly(new ByteRange(10, 19), new ByteRange(0, 4));
    assertThat(o.contentLength()).isEqualTo(15);
    assertThat(o.contentRange()).isEmpty();
  }

  @Test
  void multipartFramingAddsUpToItsContentLength() {
    MultipartByteranges mp =
        new MultipartByteranges(
            "B",
            "application/octet-stream",
            1000,
            java.util.List.of(new ByteRange(0, 9), new ByteRange(20, 29)));
    String body =
        mp.partHeader(0) + "x".repeat(10) + mp.partHeader(1) + "y".repeat(10) + mp.closing();
    assertThat(body.length()).isEqualTo(mp.contentLength());
    assertThat(body)
        .isEqualTo(
            "--B\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-9/1000\r\n\r\n"
                + "xxxxxxxxxx"
                + "\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 20-29/1000\r\n\r\n"
                + "yyyyyyyyyy\r\n--B--\r\n");
    assertThat(mp.contentType()).isEqualTo("multipart/byteranges; boundary=B");
  }

  @Test
  void datesRoundTripInImfFixdate() {
    assertThat(HttpDates.format(MTIME)).isEqualTo(DATE);
    assertThat(HttpDates.parse(DATE))
        .contains(MTIME.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(HttpDates.format(Instant.parse("2024-03-07T01:02:03Z")))
        .isEqualTo("Thu, 07 Mar 2024 01:02:03 GMT");
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        .contains(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"))
        .contains(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994"))
        .contains(Instant.parse("1994-11-06T08:49:37Z"));
  }

  @Test
  void entityTagsParseAndCompare() {
    assertThat(EntityTag.parse("\"abc\"")).contains(EntityTag.strong("abc"));
    assertThat(EntityTag.parse("W/\"abc\"")).contains(new EntityTag("abc", true));
    assertThat(EntityTag.parse("abc")).isEmpty();
    assertThat(EntityTag.strong("abc").toString()).isEqualTo("\"abc\"");
    assertThat(EntityTag.parseList("\"a\", W/\"b\" ,\"c\"").tags())
        .containsExactly(EntityTag.strong("a"), new EntityTag("b", true), EntityTag.strong("c"));
    assertThat(EntityTag.parseList(" * ").any()).isTrue();
  }

  static RequestConditions request(String method, String headers) {
    java.util.Map<String, String> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line : headers.split("\n")) {
      if (!line.isBlank()) {
        int colon = line.indexOf(':');
        map.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    return RequestConditions.from(method, name -> Optional.ofNullable(map.get(name)));
  }
}
