package org.airgap.redfish.libvirt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.airgap.redfish.driver.Machine;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * Defines and lists VMs on one libvirt connection, for {@code airgap vm create|list}: a qcow2 disk
 * volume in a storage pool, the domain from a {@link VmSpec} (always with an empty CD drive), and
 * started unless asked not to. Errors are {@link IllegalStateException}s that name the step.
 */
public final class Vms implements AutoCloseable {
  private static final int XML_INACTIVE = 2;

  private final String uri;
  private final Connect conn;

  /** One VM as listed: its power state in libvirt's words (running, shut off, paused, …). */
  public record Vm(String name, UUID uuid, Optional<String> mac, String state) {}

  private Vms(String uri, Connect conn) {
    this.uri = uri;
    this.conn = conn;
  }

  public static Vms open(String uri) {
    try {
      return new Vms(uri, new Connect(uri, false));
    } catch (LibvirtException e) {
      throw new IllegalStateException("libvirt: cannot connect to " + uri + ": " + e.getMessage());
    }
  }

  /** Whether a domain of that name exists. */
  public boolean exists(String name) {
    try {
      for (Domain d : conn.listAllDomains(0)) {
        try {
          if (d.getName().equals(name)) {
            return true;
          }
        } finally {
          d.free();
        }
      }
      return false;
    } catch (LibvirtException e) {
      throw failed("list domains", e);
    }
  }

  /** Creates the qcow2 volume {@code <name>.qcow2} of {@code bytes} in {@code pool}; its path. */
  public Path createDisk(String pool, String name, long bytes) {
    String vol = name + ".qcow2";
    StoragePool p;
    try {
      p = conn.storagePoolLookupByName(pool);
    } catch (LibvirtException e) {
      throw new IllegalStateException(
          "libvirt: no storage pool '" + pool + "' on " + uri + " (--pool): " + e.getMessage());
    }
    try {
      for (String v : p.listVolumes()) {
        if (v.equals(vol)) {
          throw new IllegalStateException(
              "libvirt: volume " + vol + " already exists in pool " + pool + ": delete it first");
        }
      }
      StorageVol v =
          p.storageVolCreateXML(
              "<volume><name>"
                  + vol
                  + "</name><capacity unit='bytes'>"
                  + bytes
                  + "</capacity><target><format type='qcow2'/></target></volume>",
              0);
      try {
        return Path.of(v.getPath());
      } finally {
        v.free();
      }
    } catch (LibvirtException e) {
      throw failed("create volume " + vol + " in pool " + pool, e);
    } finally {
      free(p);
    }
  }

  /** Deletes a volume made by {@link #createDisk} (when defining the VM failed). */
  public void deleteDisk(Path path) {
    try {
      StorageVol v = conn.storageVolLookupByPath(path.toString());
      try {
        v.delete(0);
      } finally {
        v.free();
      }
    } catch (LibvirtException e) {
      throw failed("delete volume " + path, e);
    }
  }

  /** Defines the domain (persistent) and starts it when {@code start}. */
  public void define(VmSpec spec, boolean start) {
    Domain d;
    try {
      d = conn.domainDefineXML(spec.xml());
    } catch (LibvirtException e) {
      throw failed("define " + spec.name(), e);
    }
    try {
      if (start) {
        d.create();
      }
    } catch (LibvirtException e) {
      throw failed("start " + spec.name() + " (it is defined: virsh start " + spec.name() + ")", e);
    } finally {
      try {
        d.free();
      } catch (LibvirtException e) {
        // freeing a handle cannot fail in a way that matters
      }
    }
  }

  /** Every domain whose name is a valid machine name, by name. */
  public List<Vm> list() {
    List<Vm> out = new ArrayList<>();
    try {
      for (Domain d : conn.listAllDomains(0)) {
        try {
          String name = d.getName();
          UUID uuid = UUID.fromString(d.getUUIDString());
          new Machine(name, uuid, "52:54:00:00:00:00"); // the driver's rule for names
          DomainXml x = DomainXml.parse(d.getXMLDesc(XML_INACTIVE));
          out.add(new Vm(name, uuid, x.firstMac(), state(d.getInfo().state)));
        } catch (IllegalArgumentException e) {
          // not a domain Redfish can address: left out, as the driver does
        } finally {
          d.free();
        }
      }
    } catch (LibvirtException e) {
      throw failed("list domains", e);
    }
    out.sort(Comparator.comparing(Vm::name));
    return List.copyOf(out);
  }

  private static String state(org.libvirt.DomainInfo.DomainState s) {
    return switch (s) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> "running";
      case VIR_DOMAIN_PAUSED -> "paused";
      case VIR_DOMAIN_SHUTDOWN -> "shutting down";
      case VIR_DOMAIN_PMSUSPENDED -> "suspended";
      case VIR_DOMAIN_CRASHED -> "crashed";
      default -> "shut off";
    };
  }

  private IllegalStateException failed(String what, LibvirtException e) {
    return new IllegalStateException(
        "libvirt (" + uri + "): cannot " + what + ": " + e.getMessage());
  }

  private static void free(StoragePool p) {
    try {
      p.free();
    } catch (LibvirtException e) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    try {
      conn.close();
    } catch (LibvirtException e) {
      // closing is best effort
    }
  }
}
