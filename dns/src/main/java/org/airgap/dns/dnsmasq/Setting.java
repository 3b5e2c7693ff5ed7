package org.airgap.dns.dnsmasq;

/** A value set by one dnsmasq line, with the line (to report it when the YAML overrides it). */
public record Setting<T>(T value, Source source) {}
