package org.airgap.dns;

/** What an authoritative lookup found (the CoreDNS file plugin's outcomes). */
public enum Outcome {
  /** The name has records of the asked type (possibly after a CNAME chain). */
  SUCCESS,
  /** The name does not exist in the zone: NXDOMAIN with the SOA. */
  NAME_ERROR,
  /** The name exists without the asked type: NOERROR, empty answer, SOA. */
  NO_DATA,
  /** The name lies in none of our zones: forward it, or refuse it. */
  NOT_AUTHORITATIVE
}
