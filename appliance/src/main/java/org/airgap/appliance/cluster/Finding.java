package org.airgap.appliance.cluster;

/**
 * One problem in a set of manifests: the file, the document in it (1-based; 0 for the file as a
 * whole), the key path inside the document, and what is wrong.
 */
public record Finding(String file, int document, String path, String message) {
  @Override
  public String toString() {
    String where = document > 0 ? file + " (document " + document + ")" : file;
    return where + (path.isEmpty() ? "" : " " + path) + ": " + message;
  }
}
