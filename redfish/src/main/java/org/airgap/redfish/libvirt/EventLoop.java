package org.airgap.redfish.libvirt;

import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, which domain events and keepalives need: registered once per
 * process before the first connection and run by one daemon thread for the life of the JVM (libvirt
 * cannot unregister it).
 */
final class EventLoop {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
  private static boolean started;

  private EventLoop() {}

  static synchronized void ensureRunning() {
    if (started) {
      return;
    }
    try {
      Library.initEventLoop();
    } catch (LibvirtException e) {
      throw new IllegalStateException(
          "libvirt: cannot set up the event loop: " + e.getMessage(), e);
    }
    Thread t =
        new Thread(
            () -> {
              try {
                Library.runEventLoop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (LibvirtException e) {
                LOG.error("libvirt: the event loop stopped: {}", e.getMessage());
              }
            },
            "libvirt-events");
    t.setDaemon(true);
    t.start();
    started = true;
  }
}
