package org.airgap.dhcp;

import java.net.Inet4Address;
import org.airgap.dns.Network;

/**
 * Where a request came in: the served interface, the server's own address on it (the server
 * identifier) and that address's subnet.
 */
public record Link(String ifname, Inet4Address self, Network subnet) {}
