package org.airgap.dhcp.v6;

/** Told when a DHCPv6 binding starts or is renewed and when it ends. */
public interface Lease6Listener {
  void bound(Lease6 lease);

  void ended(Lease6 lease);

  /** Tells nobody. */
  Lease6Listener NONE =
      new Lease6Listener() {
        @Override
        public void bound(Lease6 lease) {}

        @Override
        public void ended(Lease6 lease) {}
      };
}
