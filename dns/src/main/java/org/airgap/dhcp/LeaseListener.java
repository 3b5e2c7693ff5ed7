package org.airgap.dhcp;

/** Told when a lease starts or is renewed ({@link #bound}) and when it ends ({@link #ended}). */
public interface LeaseListener {
  void bound(Lease lease);

  void ended(Lease lease);

  /** Tells nobody. */
  LeaseListener NONE =
      new LeaseListener() {
        @Override
        public void bound(Lease lease) {}

        @Override
        public void ended(Lease lease) {}
      };
}
