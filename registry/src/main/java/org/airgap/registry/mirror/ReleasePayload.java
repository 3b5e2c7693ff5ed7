package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.Manifest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.api.RegistryException;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.storage.RepositoryStore;

/**
 * An OpenShift release payload as its layers describe it: {@code
 * release-manifests/image-references} (an ImageStream whose tags name every component image, such
 * as {@code hypershift}, {@code cluster-version-operator}, {@code rhel-coreos}) and, when present,
 * {@code release-manifests/0000_50_installer_coreos-bootimages.yaml} (the CoreOS stream, which
 * names the KubeVirt container disk). Reading it fetches only the manifest and the layers from the
 * top down until both files are found.
 *
 * <pre>{@code
 * // over HTTP (the mirror's client, with its auth and TLS)
 * ReleasePayload p = ReleasePayload.read(client, ImageRef.parse("quay.io/openshift-release-dev/ocp-release@sha256:…"));
 * // or from the site registry's own storage, in-process
 * ReleasePayload p = ReleasePayload.read(ImageContent.storage(store, RepoName.parse("openshift/release-images")), "4.18.1-x86_64");
 * String cpo = p.image("hypershift").orElseThrow();   // the control-plane-operator image
 * }</pre>
 *
 * @param digest the digest of the manifest that was read (the index's, when the reference names
 *     one)
 * @param version the payload's version ({@code metadata.name} of image-references)
 * @param components component tag name → pull spec (by digest), in the payload's order
 * @param kubeVirtContainer the RHCOS KubeVirt container disk for {@code x86_64}, when named
 */
public record ReleasePayload(
    Digest digest,
    String version,
    Map<String, String> components,
    Optional<String> kubeVirtContainer) {
  public static final String IMAGE_REFERENCES = "release-manifests/image-references";
  public static final String BOOT_IMAGES =
      "release-manifests/0000_50_installer_coreos-bootimages.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public ReleasePayload {
    components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }

  /** The pull spec of a component by its tag name in image-references ({@code hypershift}). */
  public Optional<String> image(String name) {
    return Optional.ofNullable(components.get(name));
  }

  /** Reads a release over HTTP. */
  public static ReleasePayload read(RegistryClient client, ImageRef release) {
    return read(
        ImageContent.http(client, release.registry(), release.repository()), release.reference());
  }

  /** Reads a release stored in airgap's own registry storage. */
  public static ReleasePayload read(RepositoryStore store, RepoName repo, String reference) {
    return read(ImageContent.storage(store, repo), reference);
  }

  /**
   * Reads the release {@code reference} (tag or digest) of {@code content}; an index is read
   * through its {@code linux/amd64} manifest.
   */
  public static ReleasePayload read(ImageContent content, String reference) {
    String where = content.where() + ":" + reference;
    ManifestBlob top =
        content
            .manifest(reference)
            .orElseThrow(
                () ->
                    new MirrorException(
                        MirrorException.Kind.NOT_FOUND, where + ": release image not found"));
    Manifest m = parse(where, top);
    if (MediaTypes.isIndex(m.mediaType())) {
      Descriptor child =
          m.manifests().stream()
              .filter(c -> Platform.parse("linux/amd64").matches(c.raw().get("platform")))
              .findFirst()
              .orElseThrow(
                  () ->
                      new MirrorException(
                          MirrorException.Kind.NOT_FOUND,
                          where + ": the release index has no linux/amd64 payload"));
      ManifestBlob cm =
          content
              .manifest(child.digest().toString())
              .orElseThrow(
                  () ->
                      new MirrorException(
                          MirrorException.Kind.NOT_FOUND,
                          where + ": manifest " + child.digest() + " not found"));
      m = parse(where, cm);
    }
    byte[] refs = null;
    byte[] boot = null;
    List<Descriptor> layers = new ArrayList<>(m.blobs().subList(1, m.blobs().size()));
    java.util.Collections.reverse(layers);
    for (Descriptor layer : layers) {
      byte[][] found = {null, null};
      try (InputStream in = content.blob(layer.digest())) {
        LayerFiles.read(
            in,
            where + ": layer " + layer.digest(),
            (path, entry, data) -> {
              if (entry.isFile() && path.equals(IMAGE_REFERENCES)) {
                found[0] = data.readAllBytes();
              } else if (entry.isFile() && path.equals(BOOT_IMAGES)) {
                found[1] = data.readAllBytes();
              }
              return found[0] == null || found[1] == null;
            });
      } catch (IOException e) {
        throw new MirrorException(
            MirrorException.Kind.UNREACHABLE, where + ": layer " + layer.digest() + ": " + e, e);
      }
      if (found[0] != null) {
        refs = found[0];
        boot = found[1];
        break;
      }
    }
    if (refs == null) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL,
          where + ": not a release payload: no " + IMAGE_REFERENCES + " in any layer");
    }
    return parse(where, top.digest(), refs, Optional.ofNullable(boot));
  }

  private static Manifest parse(String where, ManifestBlob b) {
    try {
      return Manifest.parse(Optional.of(b.mediaType()), b.bytes());
    } catch (RegistryException e) {
      throw new MirrorException(MirrorException.Kind.PROTOCOL, where + ": " + e.text(), e);
    }
  }

  /** Builds a payload from the two files' bytes. */
  public static ReleasePayload parse(
      String where, Digest digest, byte[] imageReferences, Optional<byte[]> bootImages) {
    JsonNode is;
    try {
      is = JSON.readTree(imageReferences);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL, where + ": " + IMAGE_REFERENCES + " is not JSON", e);
    }
    if (is == null || !"ImageStream".equals(is.path("kind").asText())) {
      throw new MirrorException(
          MirrorException.Kind.PROTOCOL,
          where + ": " + IMAGE_REFERENCES + " is not an ImageStream");
    }
    Map<String, String> components = new LinkedHashMap<>();
    for (JsonNode tag : is.path("spec").path("tags")) {
      String name = tag.path("name").asText("");
      String image = tag.path("from").path("name").asText("");
      if (!name.isEmpty()
          && !image.isEmpty()
          && "DockerImage".equals(tag.path("from").path("kind").asText("DockerImage"))) {
        components.put(name, image);
      }
    }
    Optional<String> kubeVirt = Optional.empty();
    if (bootImages.isPresent()) {
      try {
        JsonNode cm = YAML.readTree(bootImages.get());
        String stream = cm.path("data").path("stream").asText("");
        if (!stream.isEmpty()) {
          JsonNode s = JSON.readTree(stream);
          String ref =
              s.path("architectures")
                  .path("x86_64")
                  .path("images")
                  .path("kubevirt")
                  .path("digest-ref")
                  .asText("");
          kubeVirt = ref.isEmpty() ? Optional.empty() : Optional.of(ref);
        }
      } catch (IOException e) {
        throw new MirrorException(
            MirrorException.Kind.PROTOCOL, where + ": " + BOOT_IMAGES + " does not parse", e);
      }
    }
    if (kubeVirt.isEmpty() && components.containsKey("rhel-coreos-kubevirt")) {
      kubeVirt = Optional.of(components.get("rhel-coreos-kubevirt"));
    }
    return new ReleasePayload(
        digest, is.path("metadata").path("name").asText(""), components, kubeVirt);
  }
}
