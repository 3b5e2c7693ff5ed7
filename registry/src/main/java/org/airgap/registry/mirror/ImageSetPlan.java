package org.airgap.registry.mirror;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.airgap.websrv.io.AtomicFiles;

/**
 * What an ImageSetConfiguration resolved to: the images to copy (by digest or by tag, as their
 * source is written), the filtered operator catalogs built for it, and the release signatures.
 * Everything the cluster resources are written from, and nothing that depends on the target: a disk
 * archive carries it ({@code DIR/working-dir/imageset.json}) so that the disconnected side writes
 * the same resources as a direct run.
 *
 * @param images source references, each once, in a stable order
 * @param catalogs the filtered catalogs (built images, not in {@code images})
 * @param signatures release signatures to publish as config maps
 * @param releases the releases resolved (version and digest reference), for the report
 */
@JsonPropertyOrder({"images", "catalogs", "signatures", "releases"})
public record ImageSetPlan(
    List<String> images,
    List<Catalog> catalogs,
    List<ReleaseSignatures> signatures,
    List<Release> releases) {

  public static final String FILE = "imageset.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ImageSetPlan {
    images = List.copyOf(images);
    catalogs = List.copyOf(catalogs);
    signatures = List.copyOf(signatures);
    releases = List.copyOf(releases);
  }

  /**
   * A filtered catalog as pushed to the target.
   *
   * @param source the catalog image of the ImageSetConfiguration
   * @param repository its repository path in the target (under the target's prefix)
   * @param tag its tag in the target
   * @param digest the built image's digest
   * @param packages the packages it holds
   */
  public record Catalog(
      String source, String repository, String tag, String digest, List<String> packages) {
    public Catalog {
      packages = List.copyOf(packages);
    }
  }

  /** The signatures (raw bytes, base64) of one release digest. */
  public record ReleaseSignatures(String digest, List<String> base64) {
    public ReleaseSignatures {
      base64 = List.copyOf(base64);
    }
  }

  /** A release that was resolved: its version and pull spec by digest. */
  public record Release(String version, String image) {}

  public static ImageSetPlan empty() {
    return new ImageSetPlan(List.of(), List.of(), List.of(), List.of());
  }

  /** Writes {@code dir/imageset.json} atomically. */
  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(FILE), JSON.writeValueAsBytes(this), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO,
          "cannot write " + dir.resolve(FILE) + ": " + e.getMessage());
    }
  }

  /** Reads {@code dir/imageset.json}. */
  public static ImageSetPlan read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new MirrorException(
          MirrorException.Kind.NOT_FOUND,
          f + " not found: the archive was not written from an ImageSetConfiguration");
    }
    try {
      return JSON.readValue(f.toFile(), ImageSetPlan.class);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT, f + " is not a valid image set plan: " + e.getMessage());
    }
  }
}
