package org.airgap.appliance.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ClusterSection.Host;
import org.airgap.appliance.config.ClusterSection.Hosted;
import org.airgap.dns.DnsRecord;

/**
 * What the site spec feeds into airgap's own services at run time (and again on every reload): the
 * DNS names of each hosted cluster ({@code api}, {@code api-int}, {@code *.apps}) and each worker's
 * identity, which DHCP serves as a static host and the renderer puts in BareMetalHosts. One
 * derivation for all of them, so VM, DHCP host, BMH and Redfish system always agree.
 */
public final class ClusterFeeds {
  /** A worker: its name, MAC, UUID and fixed address (empty: from the DHCP range). */
  public record Machine(
      String cluster, String name, String mac, String uuid, Optional<InetAddress> address) {}

  private ClusterFeeds() {}

  /** Every worker of every hosted cluster. */
  public static List<Machine> machines(AirgapConfig cfg) {
    String domain = cfg.site().domain();
    List<Machine> out = new ArrayList<>();
    for (Hosted h : cfg.cluster().hosted()) {
      if (h.workers().hosts().isEmpty()) {
        for (int i = 0; i < h.workers().size(); i++) {
          String name = h.name() + "-worker" + i;
          out.add(
              new Machine(
                  h.name(),
                  name,
                  Machines.mac(domain, name),
                  Machines.uuid(domain, name),
                  Optional.empty()));
        }
        continue;
      }
      for (Host host : h.workers().hosts()) {
        out.add(
            new Machine(
                h.name(),
                host.name(),
                host.mac() != null ? host.mac().toLowerCase() : Machines.mac(domain, host.name()),
                host.uuid() != null ? host.uuid() : Machines.uuid(domain, host.name()),
                Optional.ofNullable(host.address()).map(Addresses::literal)));
      }
    }
    return out;
  }

  /** {@code api}, {@code api-int} and {@code *.apps} of each hosted cluster, where known. */
  public static List<DnsRecord> dnsRecords(AirgapConfig cfg) {
    List<DnsRecord> out = new ArrayList<>();
    String domain = cfg.site().domain();
    List<Machine> machines = machines(cfg);
    for (Hosted h : cfg.cluster().hosted()) {
      String base = h.name() + "." + domain;
      String api = h.api() != null ? h.api() : cfg.cluster().hub().nodeAddress();
      if (api != null) {
        out.add(new DnsRecord.Host("api." + base, List.of(Addresses.literal(api))));
        out.add(new DnsRecord.Host("api-int." + base, List.of(Addresses.literal(api))));
      }
      List<InetAddress> apps = new ArrayList<>();
      if (h.ingress() != null) {
        apps.add(Addresses.literal(h.ingress()));
      } else {
        machines.stream()
            .filter(m -> m.cluster().equals(h.name()))
            .forEach(m -> m.address().ifPresent(apps::add));
      }
      if (!apps.isEmpty()) {
        out.add(new DnsRecord.Host("*.apps." + base, apps, false));
      }
    }
    return out;
  }
}
