package org.airgap.dhcp;

import java.net.Inet4Address;

/** A message to send and where: a relay, a client's address, or the link's broadcast. */
public record Reply(DhcpPacket packet, Inet4Address to, int port) {}
