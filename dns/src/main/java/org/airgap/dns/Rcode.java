package org.airgap.dns;

/** The DNS response codes this server sends (RFC 1035 §4.1.1, RFC 6891 §6.1.3 for BADVERS). */
public enum Rcode {
  NOERROR(0),
  FORMERR(1),
  SERVFAIL(2),
  NXDOMAIN(3),
  NOTIMP(4),
  REFUSED(5),
  /** Extended RCODE 16: the EDNS version of the query is not supported. */
  BADVERS(16);

  private final int value;

  Rcode(int value) {
    this.value = value;
  }

  /** The numeric code; above 15 the upper eight bits travel in the OPT record. */
  public int value() {
    return value;
  }

  /** The counter name for answers with this code ({@code answers.nxdomain}). */
  public String counter() {
    return "answers." + name().toLowerCase(java.util.Locale.ROOT);
  }
}
