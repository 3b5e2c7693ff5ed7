package org.airgap.registry.mirror;

import java.io.IOException;
import java.io.InputStream;

/** The bytes of one blob, readable from any offset again (to resume). The caller closes. */
@FunctionalInterface
public interface BlobSource {
  InputStream open(long offset) throws IOException;

  /** Where the bytes come from, for error messages (such as {@code in chunk airgap-000002.tar}). */
  default String origin() {
    return "";
  }

  /** A blob of a source registry. */
  static BlobSource registry(
      RegistryClient client, ImageRef from, org.airgap.registry.api.Digest d) {
    return offset -> {
      RegistryClient.BlobStream s = client.openBlob(from.registry(), from.repository(), d, offset);
      return new java.io.FilterInputStream(s.body()) {
        @Override
        public void close() {
          s.close();
        }
      };
    };
  }
}
