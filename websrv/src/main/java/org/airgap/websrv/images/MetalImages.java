package org.airgap.websrv.images;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bare-metal boot artifacts of one architecture in a CoreOS stream: the live ISO and the PXE
 * rootfs that {@code AgentServiceConfig.spec.osImages} points at.
 *
 * @param stream the stream's name ({@code rhcos-4.14})
 * @param architecture the stream's architecture name ({@code x86_64}, {@code aarch64} …)
 * @param release the RHCOS build ({@code 414.92.202308281054-0}): the osImages {@code version}
 */
public record MetalImages(
    String stream, String architecture, String release, StreamArtifact iso, StreamArtifact rootfs) {
  private static final Pattern STREAM_VERSION = Pattern.compile("(\\d+)\\.(\\d+)$");
  private static final Pattern RELEASE_VERSION = Pattern.compile("^(\\d)(\\d{2})\\.\\d+\\..*");

  /**
   * The OpenShift {@code X.Y} this build belongs to: from the stream name ({@code rhcos-4.14}),
   * else from an old-style release ({@code 414.92.…} → 4.14). Empty when neither tells.
   */
  public Optional<String> openshiftVersion() {
    Matcher m = STREAM_VERSION.matcher(stream);
    if (m.find()) {
      return Optional.of(m.group(1) + "." + m.group(2));
    }
    Matcher r = RELEASE_VERSION.matcher(release);
    if (r.matches()) {
      return Optional.of(r.group(1) + "." + Integer.parseInt(r.group(2)));
    }
    return Optional.empty();
  }

  /** The assisted installer's name for an architecture: {@code aarch64} is {@code arm64}. */
  public static String cpuArchitecture(String streamArchitecture) {
    return switch (streamArchitecture) {
      case "aarch64" -> "arm64";
      default -> streamArchitecture;
    };
  }
}
