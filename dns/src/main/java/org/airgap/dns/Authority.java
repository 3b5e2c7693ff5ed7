package org.airgap.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * The zones airgap is authoritative for, built once per configuration and immutable afterwards.
 * Lookups go through dnsjava's {@link Zone#findRecords}; this class adds what it lacks: choosing
 * the zone, chasing CNAMEs across zones, minimal ANY answers, and NODATA (not NXDOMAIN) for names
 * that exist only as empty non-terminals or through a wildcard without the asked type.
 */
final class Authority {
  private static final int MAX_CNAME_CHAIN = 8;

  /** The answer to one question. */
  record Answer(Outcome outcome, List<Record> answers, List<Record> authority) {}

  private final Map<Name, Zone> zones;

  /** Every owner name and every name between an owner and its zone apex (empty non-terminals). */
  private final Set<Name> existing;

  private Authority(Map<Name, Zone> zones, Set<Name> existing) {
    this.zones = zones;
    this.existing = existing;
  }

  /**
   * Builds the zones of {@code config} plus {@code extra} records; records that cannot be published
   * are skipped and reported to {@code warn}.
   */
  static Authority build(DnsConfig config, List<DnsRecord> extra, Consumer<String> warn) {
    List<DnsRecord> all = new ArrayList<>(config.records());
    all.addAll(extra);

    // One PTR per address: an explicit PTR wins, else the first host record naming the address.
    Map<String, DnsRecord.Ptr> ptrs = new LinkedHashMap<>();
    for (DnsRecord r : all) {
      if (r instanceof DnsRecord.Ptr p) {
        ptrs.putIfAbsent(p.name(), p);
      }
    }
    Set<String> zoneNames = new LinkedHashSet<>(config.zones());
    for (Network n : config.reverseNetworks()) {
      zoneNames.add(n.reverseZone());
    }
    for (DnsRecord r : all) {
      if (r instanceof DnsRecord.Host h) {
        for (InetAddress a : h.addresses()) {
          zoneNames.add(new Network(a, a instanceof Inet4Address ? 24 : 64).reverseZone());
          if (h.ptr() && !h.isWildcard()) {
            ptrs.putIfAbsent(Names.reverse(a), DnsRecord.Ptr.of(a, h.name()));
          }
        }
      }
    }
    List<DnsRecord> published = new ArrayList<>();
    for (DnsRecord r : all) {
      if (!(r instanceof DnsRecord.Ptr)) {
        published.add(r);
      }
    }
    published.addAll(ptrs.values());
    // A name outside every zone gets a zone of its own (dnsmasq answers such names too).
    for (DnsRecord r : published) {
      String base = base(r.name());
      if (deepest(zoneNames, base) == null) {
        zoneNames.add(base);
      }
    }

    Name ns = Names.absolute(config.nameserver());
    long ttl = config.ttl();
    long serial = System.currentTimeMillis() / 1000;
    Map<String, List<Record>> byZone = new LinkedHashMap<>();
    for (String z : zoneNames) {
      Name apex = Names.absolute(z);
      List<Record> recs = new ArrayList<>();
      recs.add(
          new SOARecord(
              apex,
              DClass.IN,
              ttl,
              ns,
              Names.absolute("hostmaster." + z),
              serial,
              3600,
              600,
              86400,
              ttl));
      recs.add(new NSRecord(apex, DClass.IN, ttl, ns));
      byZone.put(z, recs);
    }
    for (DnsRecord r : published) {
      String zone = deepest(zoneNames, base(r.name()));
      try {
        byZone.get(zone).addAll(toRecords(r, ttl));
      } catch (IllegalArgumentException e) {
        warn.accept("skipping " + r + ": " + e.getMessage());
      }
    }
    Map<Name, Zone> zones = new HashMap<>();
    Set<Name> existing = new HashSet<>();
    for (Map.Entry<String, List<Record>> e : byZone.entrySet()) {
      Name apex = Names.absolute(e.getKey());
      List<Record> recs = e.getValue();
      try {
        zones.put(apex, new Zone(apex, recs.toArray(new Record[0])));
      } catch (IOException | IllegalArgumentException ex) {
        warn.accept("zone " + e.getKey() + " skipped: " + ex.getMessage());
        continue;
      }
      for (Record r : recs) {
        for (Name n = r.getName(); n.subdomain(apex); n = parent(n)) {
          existing.add(n);
          if (n.equals(apex)) {
            break;
          }
        }
      }
    }
    return new Authority(Map.copyOf(zones), Set.copyOf(existing));
  }

  private static Name parent(Name n) {
    return new Name(n, 1);
  }

  private static String base(String name) {
    return name.startsWith("*.") ? name.substring(2) : name;
  }

  private static String deepest(Set<String> zoneNames, String name) {
    String best = null;
    for (String z : zoneNames) {
      if (Names.isUnder(name, z) && (best == null || z.length() > best.length())) {
        best = z;
      }
    }
    return best;
  }

  private static List<Record> toRecords(DnsRecord r, long ttl) {
    Name name = Names.absolute(r.name());
    List<Record> out = new ArrayList<>();
    if (r instanceof DnsRecord.Host h) {
      for (InetAddress a : h.addresses()) {
        out.add(
            a instanceof Inet4Address
                ? new ARecord(name, DClass.IN, ttl, a)
                : new AAAARecord(name, DClass.IN, ttl, a));
      }
    } else if (r instanceof DnsRecord.Cname c) {
      out.add(new CNAMERecord(name, DClass.IN, ttl, Names.absolute(c.target())));
    } else if (r instanceof DnsRecord.Ptr p) {
      out.add(new PTRRecord(name, DClass.IN, ttl, Names.absolute(p.target())));
    } else if (r instanceof DnsRecord.Srv s) {
      out.add(
          new SRVRecord(
              name,
              DClass.IN,
              ttl,
              s.priority(),
              s.weight(),
              s.port(),
              Names.absolute(s.target())));
    } else if (r instanceof DnsRecord.Txt t) {
      out.add(new TXTRecord(name, DClass.IN, ttl, t.texts()));
    }
    return out;
  }

  /** The zone that holds {@code name}: the deepest apex at or above it, if any. */
  Zone zoneOf(Name name) {
    for (int i = 0; i < name.labels(); i++) {
      Zone z = zones.get(i == 0 ? name : new Name(name, i));
      if (z != null) {
        return z;
      }
    }
    return null;
  }

  boolean isAuthoritative(Name name) {
    return zoneOf(name) != null;
  }

  /** Looks {@code qname}/{@code qtype} up in the zones. */
  Answer lookup(Name qname, int qtype) {
    Zone zone = zoneOf(qname);
    if (zone == null) {
      return new Answer(Outcome.NOT_AUTHORITATIVE, List.of(), List.of());
    }
    List<Record> answers = new ArrayList<>();
    Name name = qname;
    for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      SetResponse sr = zone.findRecords(name, qtype);
      if (sr.isSuccessful()) {
        List<RRset> sets = sr.answers();
        // RFC 8482: answer ANY with one RRset only.
        for (RRset set : qtype == Type.ANY ? sets.subList(0, 1) : sets) {
          answers.addAll(set.rrs(false));
        }
        return new Answer(Outcome.SUCCESS, answers, List.of());
      }
      if (sr.isCNAME()) {
        CNAMERecord c = sr.getCNAME();
        if (!c.getName().equals(name)) {
          c = new CNAMERecord(name, c.getDClass(), c.getTTL(), c.getTarget());
        }
        answers.add(c);
        name = c.getTarget();
        Zone next = zoneOf(name);
        if (next == null) {
          return new Answer(Outcome.SUCCESS, answers, List.of());
        }
        zone = next;
        continue;
      }
      if (sr.isNXDOMAIN()) {
        Name wild = coveringWildcard(zone, name);
        if (wild != null) {
          // dnsjava only tries the wildcard one label up; RFC 4592 asks the closest encloser's.
          SetResponse ws = zone.findRecords(wild, qtype);
          if (ws.isSuccessful()) {
            List<RRset> sets = ws.answers();
            for (RRset set : qtype == Type.ANY ? sets.subList(0, 1) : sets) {
              for (Record rec : set.rrs(false)) {
                answers.add(rec.withName(name));
              }
            }
            return new Answer(Outcome.SUCCESS, answers, List.of());
          }
          if (ws.isCNAME()) {
            CNAMERecord c = ws.getCNAME();
            answers.add(new CNAMERecord(name, c.getDClass(), c.getTTL(), c.getTarget()));
            name = c.getTarget();
            Zone next = zoneOf(name);
            if (next == null) {
              return new Answer(Outcome.SUCCESS, answers, List.of());
            }
            zone = next;
            continue;
          }
        }
      }
      Outcome outcome =
          sr.isNXDOMAIN() && !exists(zone, name) ? Outcome.NAME_ERROR : Outcome.NO_DATA;
      return new Answer(outcome, answers, List.of(zone.getSOA()));
    }
    return new Answer(Outcome.SUCCESS, answers, List.of());
  }

  private static final Name STAR = Name.fromConstantString("*");

  private static Name wildcard(Name n) {
    try {
      return Name.concatenate(STAR, n);
    } catch (org.xbill.DNS.NameTooLongException e) {
      return Name.root;
    }
  }

  /** Whether {@code name} exists: an owner, an empty non-terminal, or covered by a wildcard. */
  private boolean exists(Zone zone, Name name) {
    return existing.contains(name) || coveringWildcard(zone, name) != null;
  }

  /** The wildcard at the closest encloser of a name that does not exist itself, if any. */
  private Name coveringWildcard(Zone zone, Name name) {
    if (existing.contains(name)) {
      return null;
    }
    Name apex = zone.getOrigin();
    for (Name n = parent(name); n.subdomain(apex); n = parent(n)) {
      if (existing.contains(n)) {
        Name w = wildcard(n);
        return existing.contains(w) ? w : null;
      }
      if (n.equals(apex)) {
        break;
      }
    }
    return null;
  }
}
