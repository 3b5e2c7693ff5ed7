package org.airgap.redfish.libvirt;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.airgap.redfish.driver.Feature;
import org.airgap.websrv.download.DownloadOptions;

/**
 * What the libvirt backend needs.
 *
 * @param uri the libvirt connection URI ({@code qemu:///system})
 * @param mediaCache where downloaded virtual media lives (made 0755, files 0644: qemu runs as
 *     another user and must read them)
 * @param localSources URL prefixes of airgap's own web server and the folder each serves: an image
 *     under one of them is used in place, with no copy
 * @param download how remote images are fetched (trust for HTTPS, retries)
 * @param features the optional features to offer (virtual media, secure boot, NMI)
 * @param callTimeout the longest one libvirt call may take before the request fails
 */
public record LibvirtConfig(
    String uri,
    Path mediaCache,
    List<LocalSource> localSources,
    DownloadOptions download,
    Set<Feature> features,
    Duration callTimeout) {
  public static final String DEFAULT_URI = "qemu:///system";

  public LibvirtConfig {
    localSources = List.copyOf(localSources);
    features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
    if (uri.isBlank()) {
      throw new IllegalArgumentException("libvirt URI must not be empty");
    }
  }

  /** Every feature, 60 s per call, the default download options. */
  public static LibvirtConfig of(String uri, Path mediaCache, List<LocalSource> localSources) {
    return new LibvirtConfig(
        uri,
        mediaCache,
        localSources,
        DownloadOptions.defaults(),
        EnumSet.allOf(Feature.class),
        Duration.ofSeconds(60));
  }

  public LibvirtConfig withFeatures(Set<Feature> features) {
    return new LibvirtConfig(uri, mediaCache, localSources, download, features, callTimeout);
  }

  public LibvirtConfig withDownload(DownloadOptions download) {
    return new LibvirtConfig(uri, mediaCache, localSources, download, features, callTimeout);
  }

  /**
   * Images whose URL starts with {@code base} are the file under {@code root} (the web server's
   * root): used in place.
   */
  public record LocalSource(URI base, Path root) {
    public LocalSource {
      String p = base.getPath() == null || base.getPath().isEmpty() ? "/" : base.getPath();
      if (!p.endsWith("/")) {
        p = p + "/";
      }
      base = base.resolve(p);
    }
  }
}
