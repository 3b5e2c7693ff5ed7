package org.airgap.redfish.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import java.lang.reflect.Field;
import org.libvirt.Domain;

/** {@code virDomainInjectNMI}, which the Java binding 0.5.4 does not wrap. */
final class Nmi {
  private Nmi() {}

  private interface Virt extends com.sun.jna.Library {
    int virDomainInjectNMI(Pointer domain, int flags);
  }

  private static final class Holder {
    static final Virt VIRT = Native.load("virt", Virt.class);
  }

  static void inject(Domain d) {
    Pointer p;
    try {
      Field f = Domain.class.getDeclaredField("vdp");
      f.setAccessible(true);
      p = ((PointerType) f.get(d)).getPointer();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("libvirt binding without Domain.vdp", e);
    }
    if (Holder.VIRT.virDomainInjectNMI(p, 0) != 0) {
      throw new IllegalStateException("libvirt refused to inject an NMI");
    }
  }
}
