package org.airgap.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns one query in wire form into one response in wire form, transport-independent.
 *
 * <p>The hot path never builds a {@link Message}: a query of the common shape (one question, at
 * most an OPT record) is looked up by its lower-cased question in a table of responses already
 * encoded for this configuration; the copy gets the query's id, RD and CD bits and the question's
 * letter case (0x20) patched in. Everything else, and every first query for a question, goes the
 * slow path through dnsjava, whose result then fills the table.
 */
final class QueryEngine {
  /** The EDNS UDP payload size we advertise and honour (the 2020 DNS flag day value). */
  static final int EDNS_SIZE = 1232;

  private static final int MAX_TEMPLATES = 100_000;
  // Bits of the header's third and fourth bytes (RFC 1035 §4.1.1).
  private static final int RD_BIT = 0x01;
  private static final int TC_BIT = 0x02;
  private static final int CD_BIT = 0x10;
  private static final Rcode[] BY_VALUE = new Rcode[16];

  static {
    for (Rcode r : Rcode.values()) {
      if (r.value() < 16) {
        BY_VALUE[r.value()] = r;
      }
    }
  }

  /** What the server knows at one instant; replaced as a whole on reload. */
  record Snapshot(
      Authority authority,
      Optional<Forwarder> forwarder,
      ConcurrentHashMap<Key, byte[]> templates) {
    static Snapshot of(Authority authority, Optional<Forwarder> forwarder) {
      return new Snapshot(authority, forwarder, new ConcurrentHashMap<>());
    }
  }

  private final Counters counters;
  private volatile Snapshot snapshot;

  QueryEngine(Counters counters, Snapshot snapshot) {
    this.counters = counters;
    this.snapshot = snapshot;
  }

  void swap(Snapshot next) {
    this.snapshot = next;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /**
   * Answers {@code query} (not released here). Returns the response, or {@code null} when the query
   * is dropped or forwarded; a forwarded query's response goes to {@code later}.
   */
  ByteBuf handle(ByteBuf query, boolean tcp, ByteBufAllocator alloc, Consumer<ByteBuf> later) {
    counters.inc(Counters.QUERIES);
    counters.inc(tcp ? Counters.QUERIES_TCP : Counters.QUERIES_UDP);
    int r = query.readerIndex();
    int n = query.readableBytes();
    if (n < Header.LENGTH) {
      counters.inc(Counters.DROPPED);
      return null;
    }
    int flags = query.getUnsignedShort(r + 2);
    if ((flags & 0x8000) != 0) {
      // A response: never answer it (that is how reflection loops start).
      counters.inc(Counters.DROPPED);
      return null;
    }
    Snapshot snap = snapshot;
    Key key = null;
    int opcode = (flags >>> 11) & 0xF;
    if (opcode == Opcode.QUERY
        && query.getUnsignedShort(r + 4) == 1
        && query.getUnsignedShort(r + 6) == 0
        && query.getUnsignedShort(r + 8) == 0
        && query.getUnsignedShort(r + 10) <= 1) {
      int end = r + n;
      int pos = r + Header.LENGTH;
      int qnameStart = pos;
      boolean ok = true;
      while (true) {
        if (pos >= end) {
          ok = false;
          break;
        }
        int len = query.getUnsignedByte(pos);
        if (len == 0) {
          pos++;
          break;
        }
        if (len > 63 || pos + len + 1 - qnameStart > 255) {
          ok = false;
          break;
        }
        pos += len + 1;
      }
      int qnameEnd = pos;
      boolean edns = false;
      int udp = 512;
      if (ok && pos + 4 <= end) {
        int qtype = query.getUnsignedShort(pos);
        int qclass = query.getUnsignedShort(pos + 2);
        pos += 4;
        if (query.getUnsignedShort(r + 10) == 1) {
          if (pos + 11 <= end
              && query.getByte(pos) == 0
              && query.getUnsignedShort(pos + 1) == Type.OPT
              && query.getUnsignedByte(pos + 6) == 0) {
            edns = true;
            udp = query.getUnsignedShort(pos + 3);
            pos += 11 + query.getUnsignedShort(pos + 9);
          } else {
            ok = false;
          }
        }
        if (ok && pos == end && qclass == DClass.IN && qtype != Type.AXFR && qtype != Type.IXFR) {
          key = Key.of(query, qnameStart, qnameEnd, qtype, edns);
          byte[] t = snap.templates().get(key);
          if (t != null && t.length <= limit(tcp, edns, udp)) {
            ByteBuf out = alloc.ioBuffer(t.length).writeBytes(t);
            out.setShort(0, query.getUnsignedShort(r));
            out.setByte(2, (t[2] & ~RD_BIT) | ((flags >>> 8) & RD_BIT));
            out.setByte(3, (t[3] & ~CD_BIT) | (flags & CD_BIT));
            out.setBytes(Header.LENGTH, query, qnameStart, qnameEnd - qnameStart);
            counters.answered(BY_VALUE[t[3] & 0xF]);
            return out;
          }
        }
      }
    }
    return slow(ByteBufUtil.getBytes(query), tcp, alloc, later, snap, key);
  }

  private static int limit(boolean tcp, boolean edns, int udp) {
    if (tcp) {
      return 65535;
    }
    return edns ? Math.max(512, Math.min(udp, EDNS_SIZE)) : 512;
  }

  private ByteBuf slow(
      byte[] bytes,
      boolean tcp,
      ByteBufAllocator alloc,
      Consumer<ByteBuf> later,
      Snapshot snap,
      Key key) {
    Message query;
    try {
      query = new Message(bytes);
    } catch (Exception e) {
      return headerOnly(alloc, bytes, Rcode.FORMERR);
    }
    Header h = query.getHeader();
    if (h.getOpcode() != Opcode.QUERY) {
      return headerOnly(alloc, bytes, Rcode.NOTIMP);
    }
    List<Record> questions = query.getSection(Section.QUESTION);
    if (questions.size() != 1) {
      return headerOnly(alloc, bytes, Rcode.FORMERR);
    }
    Record question = questions.get(0);
    OPTRecord opt = query.getOPT();
    boolean edns = opt != null;
    int limit = limit(tcp, edns, edns ? opt.getPayloadSize() : 512);
    Message resp = response(query, question, edns, snap);
    if (edns && opt.getVersion() > 0) {
      resp.getHeader().setRcode(0);
      resp.removeAllRecords(Section.ADDITIONAL);
      resp.addRecord(
          new OPTRecord(EDNS_SIZE, Rcode.BADVERS.value() >>> 4, 0, 0), Section.ADDITIONAL);
      return send(alloc, resp, limit, Rcode.BADVERS);
    }
    int qtype = question.getType();
    if (question.getDClass() != DClass.IN
        || qtype == Type.AXFR
        || qtype == Type.IXFR
        || qtype == Type.OPT) {
      return send(alloc, resp, limit, Rcode.REFUSED);
    }
    if (qtype >= 128 && qtype <= 254 && qtype != Type.ANY) {
      return send(alloc, resp, limit, Rcode.NOTIMP);
    }
    Name qname = question.getName();
    Authority.Answer a = snap.authority().lookup(qname, qtype);
    Rcode rcode;
    switch (a.outcome()) {
      case NOT_AUTHORITATIVE -> {
        Optional<Forwarder> fwd = snap.forwarder().filter(f -> f.handles(qname));
        if (fwd.isPresent()) {
          counters.inc(Counters.FORWARDED);
          fwd.get()
              .forward(
                  question,
                  upstream -> later.accept(forwarded(alloc, query, question, upstream, limit)));
          return null;
        }
        rcode = Rcode.REFUSED;
      }
      case NAME_ERROR -> rcode = Rcode.NXDOMAIN;
      default -> rcode = Rcode.NOERROR;
    }
    if (a.outcome() != Outcome.NOT_AUTHORITATIVE) {
      resp.getHeader().setFlag(Flags.AA);
    }
    a.answers().forEach(rec -> resp.addRecord(rec, Section.ANSWER));
    a.authority().forEach(rec -> resp.addRecord(rec, Section.AUTHORITY));
    resp.getHeader().setRcode(rcode.value());
    byte[] full = resp.toWire();
    if (key != null) {
      ConcurrentHashMap<Key, byte[]> t = snap.templates();
      if (t.size() >= MAX_TEMPLATES) {
        t.clear();
      }
      t.put(key, full);
    }
    if (full.length <= limit) {
      counters.answered(rcode);
      return alloc.ioBuffer(full.length).writeBytes(full);
    }
    return send(alloc, resp, limit, rcode);
  }

  /** The response skeleton: id, QR, RD/CD echoed, RA when forwarding, question, OPT. */
  private static Message response(Message query, Record question, boolean edns, Snapshot snap) {
    Header qh = query.getHeader();
    Message resp = new Message(qh.getID());
    Header rh = resp.getHeader();
    rh.setFlag(Flags.QR);
    if (qh.getFlag(Flags.RD)) {
      rh.setFlag(Flags.RD);
    }
    if (qh.getFlag(Flags.CD)) {
      rh.setFlag(Flags.CD);
    }
    if (snap.forwarder().isPresent()) {
      rh.setFlag(Flags.RA);
    }
    resp.addRecord(question, Section.QUESTION);
    if (edns) {
      resp.addRecord(new OPTRecord(EDNS_SIZE, 0, 0, 0), Section.ADDITIONAL);
    }
    return resp;
  }

  private ByteBuf forwarded(
      ByteBufAllocator alloc,
      Message query,
      Record question,
      Optional<Message> upstream,
      int limit) {
    Message resp = response(query, question, query.getOPT() != null, snapshot);
    if (upstream.isEmpty()) {
      resp.getHeader().setRcode(Rcode.SERVFAIL.value());
      return send(alloc, resp, limit, Rcode.SERVFAIL);
    }
    Message u = upstream.get();
    int rcode = u.getHeader().getRcode();
    resp.getHeader().setRcode(rcode);
    resp.getHeader().setFlag(Flags.RA);
    if (u.getHeader().getFlag(Flags.AD) && query.getHeader().getFlag(Flags.AD)) {
      resp.getHeader().setFlag(Flags.AD);
    }
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record rec : u.getSection(section)) {
        if (rec.getType() != Type.OPT) {
          resp.addRecord(rec, section);
        }
      }
    }
    Rcode rc = rcode < 16 && BY_VALUE[rcode] != null ? BY_VALUE[rcode] : Rcode.SERVFAIL;
    return send(alloc, resp, limit, rc);
  }

  private ByteBuf send(ByteBufAllocator alloc, Message resp, int limit, Rcode rcode) {
    if (rcode.value() < 16) {
      resp.getHeader().setRcode(rcode.value());
    }
    byte[] wire = resp.toWire(limit);
    if (resp.getHeader().getFlag(Flags.TC) || wire.length >= 3 && (wire[2] & TC_BIT) != 0) {
      counters.inc(Counters.TRUNCATED);
    }
    counters.answered(rcode);
    return alloc.ioBuffer(wire.length).writeBytes(wire);
  }

  /** A response of just the header: id and opcode echoed, no sections. */
  private ByteBuf headerOnly(ByteBufAllocator alloc, byte[] query, Rcode rcode) {
    counters.answered(rcode);
    ByteBuf out = alloc.ioBuffer(Header.LENGTH);
    out.writeByte(query[0]).writeByte(query[1]);
    out.writeByte(0x80 | (query[2] & 0x79)); // QR, the opcode and RD echoed
    out.writeByte(rcode.value() & 0xF);
    out.writeZero(8);
    return out;
  }

  /** A question in lower case with its type and whether EDNS was present: the template key. */
  static final class Key {
    private final byte[] bytes;
    private final int hash;

    private Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    static Key of(ByteBuf q, int start, int end, int qtype, boolean edns) {
      int len = end - start;
      byte[] b = new byte[len + 3];
      for (int i = 0; i < len; i++) {
        byte c = q.getByte(start + i);
        b[i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
      }
      b[len] = (byte) (qtype >>> 8);
      b[len + 1] = (byte) qtype;
      b[len + 2] = (byte) (edns ? 1 : 0);
      return new Key(b);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
