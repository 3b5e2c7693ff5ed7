package org.airgap.redfish.libvirt;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.airgap.redfish.driver.Boot;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A libvirt domain's persistent XML, read and rewritten for the Redfish view of it. What Redfish
 * knows that libvirt does not (the override's {@code Enabled}, the inserted image's URL, the wanted
 * Secure Boot state) lives in the domain's own {@code <metadata>}, under our namespace:
 *
 * <pre>{@code
 * <metadata>
 *   <airgap:redfish xmlns:airgap="https://airgap.dev/redfish/1">
 *     <airgap:boot target="Cd" enabled="Once" secure-boot="false" pending-run="7"/>
 *     <airgap:media url="http://…/discovery.iso" write-protected="true" user="…"/>
 *   </airgap:redfish>
 * </metadata>
 * }</pre>
 *
 * <p>Boot order: libvirt refuses {@code <os><boot dev>} together with per-device {@code <boot
 * order>}. A domain that uses per-device orders keeps using them (the target's devices first, then
 * the disks); others get {@code <os><boot dev>} entries. With no override only the disks boot, so a
 * VM whose Once override was consumed never boots the inserted ISO again on its own. The mode is
 * {@code <os firmware='efi'>} (UEFI, with Secure Boot as firmware features) or no firmware
 * (Legacy).
 */
public final class DomainXml {
  static final String NS = "https://airgap.dev/redfish/1";
  private static final String PREFIX = "airgap";

  private final Document doc;

  /** A parser per thread: making the factory per document cost more than parsing. */
  private static final ThreadLocal<DocumentBuilder> BUILDER =
      ThreadLocal.withInitial(
          () -> {
            try {
              DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
              f.setNamespaceAware(true);
              f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
              f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
              return f.newDocumentBuilder();
            } catch (javax.xml.parsers.ParserConfigurationException e) {
              throw new IllegalStateException(e);
            }
          });

  private DomainXml(Document doc) {
    this.doc = doc;
  }

  /** Parses a domain XML document. */
  public static DomainXml parse(String xml) {
    try {
      DocumentBuilder b = BUILDER.get();
      b.reset();
      return new DomainXml(b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
    } catch (Exception e) {
      throw new IllegalArgumentException("not a libvirt domain XML: " + e.getMessage(), e);
    }
  }

  /** The document as text (for {@code virDomainDefineXML}). */
  public String xml() {
    return serialize(doc.getDocumentElement());
  }

  public String name() {
    return text(child(root(), "name")).orElse("");
  }

  public Optional<String> uuid() {
    return text(child(root(), "uuid"));
  }

  /** The MAC of the first NIC. */
  public Optional<String> firstMac() {
    for (Element nic : children(devices(), "interface")) {
      Element mac = child(nic, "mac");
      if (mac != null && !mac.getAttribute("address").isEmpty()) {
        return Optional.of(mac.getAttribute("address"));
      }
    }
    return Optional.empty();
  }

  // ---- boot override -------------------------------------------------------------------------

  /** The override as Redfish shows it: metadata for target and enabled, the XML for the mode. */
  public Boot boot() {
    Element b = meta("boot", false);
    Boot.Target target = Boot.Target.NONE;
    Boot.Enabled enabled = Boot.Enabled.DISABLED;
    if (b != null) {
      target = Boot.Target.parse(b.getAttribute("target")).orElse(Boot.Target.NONE);
      enabled = Boot.Enabled.parse(b.getAttribute("enabled")).orElse(Boot.Enabled.DISABLED);
    }
    return new Boot(target, enabled, mode());
  }

  /** UEFI when {@code <os firmware='efi'>} or a pflash loader, else Legacy. */
  public Boot.Mode mode() {
    Element os = child(root(), "os");
    if (os == null) {
      return Boot.Mode.LEGACY;
    }
    Element loader = child(os, "loader");
    boolean efi =
        os.getAttribute("firmware").equals("efi")
            || (loader != null && loader.getAttribute("type").equals("pflash"));
    return efi ? Boot.Mode.UEFI : Boot.Mode.LEGACY;
  }

  /** Writes the override: metadata, boot order and firmware mode. */
  public void setBoot(Boot boot) {
    Element b = meta("boot", true);
    b.setAttribute("target", boot.target().redfish());
    b.setAttribute("enabled", boot.enabled().redfish());
    applyOrder(boot.effective());
    applyMode(boot.mode(), secureBoot());
  }

  /**
   * A boot starts: a Once override is consumed (the boot order reverts to the disks) and the run
   * that still carries it is noted, so a reboot inside that run can be turned into a fresh start.
   *
   * @return the device this boot uses
   */
  public Boot.Target consumeOnce(int runId) {
    Boot now = boot();
    Boot.Target used = now.effective();
    if (now.enabled() == Boot.Enabled.ONCE) {
      setBoot(now.afterBoot());
      meta("boot", true).setAttribute("pending-run", Integer.toString(runId));
    }
    return used;
  }

  /** The run (domain ID) whose boot used a now-consumed Once override, if any. */
  public Optional<Integer> pendingRun() {
    Element b = meta("boot", false);
    if (b == null || b.getAttribute("pending-run").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(b.getAttribute("pending-run")));
  }

  public void clearPendingRun() {
    Element b = meta("boot", false);
    if (b != null) {
      b.removeAttribute("pending-run");
    }
  }

  public boolean secureBoot() {
    Element b = meta("boot", false);
    return b != null && b.getAttribute("secure-boot").equals("true");
  }

  /** Secure Boot on or off; applied to the firmware when the mode is UEFI. */
  public void setSecureBoot(boolean on) {
    meta("boot", true).setAttribute("secure-boot", Boolean.toString(on));
    applyMode(mode(), on);
  }

  private static String libvirtDev(Boot.Target t) {
    return switch (t) {
      case CD -> "cdrom";
      case PXE -> "network";
      default -> "hd";
    };
  }

  private void applyOrder(Boot.Target target) {
    Element os = childOrCreate(root(), "os");
    List<Element> perDevice = new ArrayList<>();
    for (Element d : bootables()) {
      if (child(d, "boot") != null) {
        perDevice.add(d);
      }
    }
    String first = libvirtDev(target);
    if (!perDevice.isEmpty()) {
      for (Element d : bootables()) {
        Element old = child(d, "boot");
        if (old != null) {
          d.removeChild(old);
        }
      }
      int order = 1;
      for (String kind : first.equals("hd") ? List.of("hd") : List.of(first, "hd")) {
        for (Element d : bootables()) {
          if (kindOf(d).equals(kind)) {
            Element boot = doc.createElement("boot");
            boot.setAttribute("order", Integer.toString(order++));
            insertBootElement(d, boot);
          }
        }
      }
      for (Element old : children(os, "boot")) {
        os.removeChild(old);
      }
      return;
    }
    for (Element old : children(os, "boot")) {
      os.removeChild(old);
    }
    Node anchor = firstChildAfterType(os);
    for (String dev : first.equals("hd") ? List.of("hd") : List.of(first, "hd")) {
      Element boot = doc.createElement("boot");
      boot.setAttribute("dev", dev);
      os.insertBefore(boot, anchor);
    }
  }

  /** The boot devices in {@code <os><boot dev>} or per-device order form, for tests and logs. */
  public List<String> bootOrder() {
    List<String> out = new ArrayList<>();
    Element os = child(root(), "os");
    if (os != null) {
      for (Element b : children(os, "boot")) {
        out.add(b.getAttribute("dev"));
      }
    }
    if (out.isEmpty()) {
      List<Element> ds = new ArrayList<>();
      for (Element d : bootables()) {
        if (child(d, "boot") != null) {
          ds.add(d);
        }
      }
      ds.sort(
          (a, b) ->
              Integer.compare(
                  Integer.parseInt(child(a, "boot").getAttribute("order")),
                  Integer.parseInt(child(b, "boot").getAttribute("order"))));
      for (Element d : ds) {
        out.add(kindOf(d) + ":" + order(d));
      }
    }
    return out;
  }

  private static String order(Element d) {
    return child(d, "boot").getAttribute("order");
  }

  private void applyMode(Boot.Mode mode, boolean secure) {
    Element os = childOrCreate(root(), "os");
    Element loader = child(os, "loader");
    if (mode == Boot.Mode.LEGACY) {
      os.removeAttribute("firmware");
      for (String n : List.of("loader", "nvram", "firmware")) {
        Element e = child(os, n);
        if (e != null) {
          os.removeChild(e);
        }
      }
      return;
    }
    Element features = childOrCreate(root(), "features");
    if (child(features, "acpi") == null) {
      features.appendChild(doc.createElement("acpi"));
    }
    if (loader != null && !loader.getTextContent().isBlank()) {
      return; // an explicit firmware path: the operator chose it, leave it be
    }
    os.setAttribute("firmware", "efi");
    Element fw = child(os, "firmware");
    if (fw == null) {
      fw = doc.createElement("firmware");
      os.insertBefore(fw, firstChildAfterType(os));
    }
    for (Element f : children(fw, "feature")) {
      fw.removeChild(f);
    }
    for (String name : List.of("enrolled-keys", "secure-boot")) {
      Element f = doc.createElement("feature");
      f.setAttribute("enabled", secure ? "yes" : "no");
      f.setAttribute("name", name);
      fw.appendChild(f);
    }
    Element smm = child(features, "smm");
    if (secure && smm == null) {
      Element on = doc.createElement("smm");
      on.setAttribute("state", "on");
      features.appendChild(on);
    }
  }

  // ---- virtual CD ----------------------------------------------------------------------------

  /** The first CD drive, if the domain has one. */
  private Optional<Element> cdrom() {
    for (Element d : children(devices(), "disk")) {
      if (d.getAttribute("device").equals("cdrom")) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  public boolean hasCdrom() {
    return cdrom().isPresent();
  }

  /** The file in the CD drive. */
  public Optional<String> cdromFile() {
    return cdrom()
        .map(d -> child(d, "source"))
        .map(s -> s.getAttribute("file"))
        .filter(f -> !f.isEmpty());
  }

  /** The URL metadata of the inserted image (when inserted through Redfish). */
  public Optional<Media> media() {
    Element m = meta("media", false);
    if (m == null || cdromFile().isEmpty()) {
      return Optional.empty();
    }
    String user = m.getAttribute("user");
    return Optional.of(
        new Media(
            URI.create(m.getAttribute("url")),
            !m.getAttribute("write-protected").equals("false"),
            user.isEmpty() ? Optional.empty() : Optional.of(user)));
  }

  /** What the metadata records of an inserted image (never its password). */
  public record Media(URI url, boolean writeProtected, Optional<String> user) {}

  /**
   * Puts {@code file} into the CD drive (empty: ejects) and records {@code media}; the file is not
   * relabelled (it is made world-readable instead), so libvirt never chowns the web server's files.
   *
   * @return the CD drive's XML, for a live update of a running domain
   */
  public String setCdrom(Optional<String> file, Optional<Media> media) {
    return setCdrom(file, media, true);
  }

  /**
   * As {@link #setCdrom(Optional, Optional)}; {@code dacLabel} false leaves the source without a
   * DAC {@code <seclabel>}, for a hypervisor with no DAC security driver ({@code qemu:///session},
   * where libvirt refuses to start a domain that names one).
   */
  public String setCdrom(Optional<String> file, Optional<Media> media, boolean dacLabel) {
    Element d =
        cdrom()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "domain " + name() + " has no CD drive (define it with an empty one)"));
    d.setAttribute("type", "file");
    Element src = child(d, "source");
    if (src != null) {
      d.removeChild(src);
    }
    if (file.isPresent()) {
      src = doc.createElement("source");
      src.setAttribute("file", file.get());
      if (dacLabel) {
        Element label = doc.createElement("seclabel");
        label.setAttribute("model", "dac");
        label.setAttribute("relabel", "no");
        src.appendChild(label);
      }
      Node driver = child(d, "driver");
      d.insertBefore(src, driver == null ? d.getFirstChild() : driver.getNextSibling());
    }
    Element m = meta("media", file.isPresent() && media.isPresent());
    if (m != null) {
      if (media.isPresent() && file.isPresent()) {
        Media md = media.get();
        m.setAttribute("url", md.url().toString());
        m.setAttribute("write-protected", Boolean.toString(md.writeProtected()));
        if (md.user().isPresent()) {
          m.setAttribute("user", md.user().get());
        } else {
          m.removeAttribute("user");
        }
      } else {
        m.getParentNode().removeChild(m);
      }
    }
    return serialize(d);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Element root() {
    return doc.getDocumentElement();
  }

  private Element devices() {
    return childOrCreate(root(), "devices");
  }

  private List<Element> bootables() {
    List<Element> out = new ArrayList<>();
    for (Element d : children(devices(), null)) {
      if (d.getTagName().equals("disk") || d.getTagName().equals("interface")) {
        out.add(d);
      }
    }
    return out;
  }

  private static String kindOf(Element d) {
    if (d.getTagName().equals("interface")) {
      return "network";
    }
    String dev = d.getAttribute("device");
    return dev.equals("cdrom") ? "cdrom" : dev.isEmpty() || dev.equals("disk") ? "hd" : dev;
  }

  private static void insertBootElement(Element device, Element boot) {
    Element address = child(device, "address");
    if (address != null) {
      device.insertBefore(boot, address);
    } else {
      device.appendChild(boot);
    }
  }

  private static Node firstChildAfterType(Element os) {
    Element type = child(os, "type");
    if (type == null) {
      return os.getFirstChild();
    }
    Node n = type.getNextSibling();
    while (n != null
        && n instanceof Element e
        && List.of("loader", "nvram").contains(e.getTagName())) {
      n = n.getNextSibling();
    }
    return n;
  }

  private Element meta(String name, boolean create) {
    Element metadata = child(root(), "metadata");
    if (metadata == null) {
      if (!create) {
        return null;
      }
      metadata = doc.createElement("metadata");
      Element after = child(root(), "uuid");
      root()
          .insertBefore(metadata, after == null ? root().getFirstChild() : after.getNextSibling());
    }
    Element ours = null;
    for (Element e : children(metadata, null)) {
      if (NS.equals(e.getNamespaceURI()) && e.getLocalName().equals("redfish")) {
        ours = e;
      }
    }
    if (ours == null) {
      if (!create) {
        return null;
      }
      ours = doc.createElementNS(NS, PREFIX + ":redfish");
      metadata.appendChild(ours);
    }
    for (Element e : children(ours, null)) {
      if (NS.equals(e.getNamespaceURI()) && e.getLocalName().equals(name)) {
        return e;
      }
    }
    if (!create) {
      return null;
    }
    Element e =
        doc.createElementNS(NS, ours.getPrefix() == null ? name : ours.getPrefix() + ":" + name);
    ours.appendChild(e);
    return e;
  }

  private static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
        out.add(e);
      }
    }
    return out;
  }

  private Element childOrCreate(Element parent, String name) {
    Element e = child(parent, name);
    if (e == null) {
      e = doc.createElement(name);
      parent.appendChild(e);
    }
    return e;
  }

  private static Optional<String> text(Element e) {
    return e == null ? Optional.empty() : Optional.of(e.getTextContent().trim());
  }

  private static String serialize(Node n) {
    try {
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(n), new StreamResult(w));
      return w.toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot write XML", e);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
