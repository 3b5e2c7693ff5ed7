package org.airgap.registry.mirror;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What an ImageSetConfiguration run reads besides registries, all local files (nothing is fetched
 * from the internet):
 *
 * @param graphData a Cincinnati update-graph JSON ({@code --graph-data}) to resolve channels
 * @param graphImage the update-graph data image to mirror for {@code graph: true}
 * @param signatures a folder of release signatures ({@code --release-signatures})
 * @param releaseRepository where channels are looked up without a graph ({@code --release-repo};
 *     default {@code quay.io/openshift-release-dev/ocp-release}, {@code quay.io/openshift/okd})
 */
public record ImageSetInputs(
    Optional<Path> graphData,
    Optional<String> graphImage,
    Optional<Path> signatures,
    Optional<String> releaseRepository) {
  public static ImageSetInputs none() {
    return new ImageSetInputs(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public ImageSetInputs withGraphData(Path p) {
    return new ImageSetInputs(Optional.of(p), graphImage, signatures, releaseRepository);
  }

  public ImageSetInputs withGraphImage(String i) {
    return new ImageSetInputs(graphData, Optional.of(i), signatures, releaseRepository);
  }

  public ImageSetInputs withSignatures(Path p) {
    return new ImageSetInputs(graphData, graphImage, Optional.of(p), releaseRepository);
  }

  public ImageSetInputs withReleaseRepository(String r) {
    return new ImageSetInputs(graphData, graphImage, signatures, Optional.of(r));
  }
}
