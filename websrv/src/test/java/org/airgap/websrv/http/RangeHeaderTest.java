package org.airgap.websrv.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RangeHeaderTest {
  record Case(String header, long length, String expected) {
    @Override
    public String toString() {
      return header + " of " + length + " -> " + expected;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("bytes=0-499", 1000, "0-499"),
        new Case("bytes=500-", 1000, "500-999"),
        new Case("bytes=-200", 1000, "800-999"),
        new Case("bytes=-2000", 1000, "0-999"),
        new Case("bytes=900-5000", 1000, "900-999"),
        new Case("bytes=0-0,-1", 1000, "0-0,999-999"),
        new Case("bytes=0-9, 20-29 ,40-49", 1000, "0-9,20-29,40-49"),
        new Case("bytes=20-29,0-9", 1000, "20-29,0-9"),
        new Case("BYTES = 1-2", 1000, "1-2"),
        new Case("bytes=1000-", 1000, "416"),
        new Case("bytes=1000-2000,3000-", 1000, "416"),
        new Case("bytes=-0", 1000, "416"),
        new Case("bytes=0-", 0, "416"),
        new Case("bytes=-5", 0, "416"),
        new Case("bytes=5-10,2000-3000", 1000, "5-10"),
        new Case("bytes=0-9,5-15", 1000, "full"),
        new Case("bytes=0-9,9-15", 1000, "full"),
        new Case("bytes=10-5", 1000, "full"),
        new Case("bytes=a-b", 1000, "full"),
        new Case("bytes=5", 1000, "full"),
        new Case("bytes=", 1000, "full"),
        new Case("items=0-5", 1000, "full"),
        new Case("0-5", 1000, "full"),
        new Case("bytes=-", 1000, "full"),
        new Case("bytes=+1-2", 1000, "full"),
        new Case("bytes=4294967296-4294967305", 5L << 30, "4294967296-4294967305"),
        new Case("bytes=2147483648-", 2147483658L, "2147483648-2147483657"),
        new Case("bytes=99999999999999999999-", 1000, "416"),
        new Case("bytes=0-99999999999999999999", 1000, "0-999"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void parses(Case c) {
    assertThat(render(RangeHeader.parse(c.header(), c.length(), 16))).isEqualTo(c.expected());
  }

  @ParameterizedTest
  @MethodSource("capCases")
  void capsTheNumberOfRanges(int count, String expected) {
    StringBuilder h = new StringBuilder("bytes=");
    for (int i = 0; i < count; i++) {
      h.append(i == 0 ? "" : ",").append(i * 10).append('-').append(i * 10 + 4);
    }
    RangeResult r = RangeHeader.parse(h.toString(), 1_000_000, 16);
    assertThat(r instanceof RangeResult.Partial ? "partial" : render(r)).isEqualTo(expected);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> capCases() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(16, "partial"),
        org.junit.jupiter.params.provider.Arguments.of(17, "full"),
        org.junit.jupiter.params.provider.Arguments.of(1000, "full"));
  }

  static String render(RangeResult r) {
    if (r instanceof RangeResult.Full) {
      return "full";
    }
    if (r instanceof RangeResult.Unsatisfiable) {
      return "416";
    }
    List<ByteRange> ranges = ((RangeResult.Partial) r).ranges();
    return String.join(",", ranges.stream().map(b -> b.first() + "-" + b.last()).toList());
  }
}
