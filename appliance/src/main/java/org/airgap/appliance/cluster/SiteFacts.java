package org.airgap.appliance.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ClusterSection;
import org.airgap.appliance.config.Urls;
import org.airgap.appliance.pki.Pki;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.Reference;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.mirror.MirrorResources;
import org.airgap.registry.mirror.ReleasePayload;
import org.airgap.registry.storage.RepositoryStore;
import org.airgap.websrv.images.ImageCatalog;
import org.airgap.websrv.images.OsImage;

/**
 * What the appliance already knows and the control module never asks again: the registry's {@code
 * host:port} and CA, the web server's images and their URLs, the Redfish address, the release by
 * digest in airgap's registry, the merged pull secret and the generated logins.
 */
public record SiteFacts(
    String registryHostPort,
    String caPem,
    String imagesBase,
    List<OsImage> osImages,
    String redfishHostPort,
    String releaseImage,
    String pullSecretJson,
    String sshKey,
    ClusterSecrets secrets,
    String controlPlaneOperatorImage) {

  static final String RELEASE_REPO = "openshift/release-images";
  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");

  /** Gathers the facts from the config and the data dir (creating generated logins once). */
  public static SiteFacts gather(AirgapConfig cfg) {
    ClusterSection spec = cfg.cluster();
    Urls urls = new Urls(cfg.site());
    String registry = urls.hostPort(cfg.registry().advertise(), port(cfg.registry().listen()));
    String redfish = urls.hostPort(cfg.redfish().advertise(), port(cfg.redfish().listen()));
    String images =
        urls.base(false, cfg.websrv().advertise(), port(cfg.websrv().listen())) + "/images/";
    Pki pki = new Pki(cfg.dataDir().resolve("pki"), cfg.site().domain()).init();
    ClusterSecrets secrets = new ClusterSecrets(cfg.dataDir(), cfg.htpasswd());
    secrets.bmcUser(); // both logins exist in htpasswd before anything is rendered
    List<OsImage> os = new ImageCatalog(cfg.websrvRoot().resolve("images")).osImages();
    RepositoryStore store = RepositoryStore.onFiles(cfg.dataDir().resolve("registry"));
    String release = resolveRelease(spec.release(), registry, store);
    String cpo = controlPlaneOperatorImage(release, registry, store);
    String pull = mergePullSecret(read(spec.pullSecret()), registry, secrets.pullUser());
    String ssh = spec.sshKey() == null ? "" : read(spec.sshKey()).strip();
    return new SiteFacts(
        registry, pki.caPem(), images, os, redfish, release, pull, ssh, secrets, cpo);
  }

  private static int port(List<org.airgap.appliance.config.ListenAddress> l) {
    return l.isEmpty() ? 0 : l.get(0).port();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * The hypershift component of the release payload (its {@code release-manifests/image-references}
   * read with the mirror's {@link ReleasePayload}, from airgap's own storage), at its mirrored
   * location: what the HostedCluster's {@code control-plane-operator-image} annotation names, so
   * the control plane runs the operator of this very release from this registry.
   */
  static String controlPlaneOperatorImage(String release, String registry, RepositoryStore store) {
    int slash = release.indexOf('/');
    int at = release.indexOf('@');
    ReleasePayload p;
    try {
      p =
          ReleasePayload.read(
              store, RepoName.parse(release.substring(slash + 1, at)), release.substring(at + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "release "
              + release
              + " cannot be read from airgap's registry: "
              + e.getMessage()
              + " (mirror it again: airgap mirror)",
          e);
    }
    String hypershift =
        p.image("hypershift")
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "release "
                            + release
                            + " names no hypershift image in its image-references"));
    return mirrored(hypershift, MirrorResources.releaseMappings(registry));
  }

  /** A pull spec by digest at the mirror its repository maps to (unchanged when none does). */
  static String mirrored(String pullSpec, List<MirrorResources.Mapping> mappings) {
    int at = pullSpec.indexOf('@');
    if (at < 0) {
      return pullSpec;
    }
    String repo = pullSpec.substring(0, at);
    for (MirrorResources.Mapping m : mappings) {
      if (m.source().equals(repo)) {
        return m.mirror() + pullSpec.substring(at);
      }
    }
    return pullSpec;
  }

  /**
   * The release as {@code <registry>/openshift/release-images@sha256:…}: a version is the tag
   * {@code <version>-x86_64} in airgap's registry; a pull spec by digest keeps its digest; a pull
   * spec by tag is looked up in airgap's registry by its repository path.
   */
  static String resolveRelease(String release, String registry, RepositoryStore store) {
    String spec = release.strip();
    int at = spec.indexOf("@sha256:");
    if (at > 0) {
      Digest d = Digest.parse(spec.substring(at + 1));
      return registry + "/" + RELEASE_REPO + "@" + d;
    }
    String repo = RELEASE_REPO;
    String tag;
    if (VERSION.matcher(spec).matches()) {
      tag = spec.contains("-") ? spec : spec + "-x86_64";
    } else {
      int colon = spec.lastIndexOf(':');
      int slash = spec.indexOf('/');
      if (colon < 0 || colon < spec.lastIndexOf('/') || slash < 0) {
        throw new IllegalArgumentException(
            "cluster.release '"
                + release
                + "': a version (4.18.1) or a pull spec with a tag or digest");
      }
      tag = spec.substring(colon + 1);
      repo = spec.substring(slash + 1, colon);
    }
    try {
      Optional<Digest> d = store.resolve(RepoName.parse(repo), Reference.parse(tag));
      if (d.isEmpty()) {
        throw new IllegalArgumentException(
            "release "
                + repo
                + ":"
                + tag
                + " is not in airgap's registry yet: mirror it first (airgap mirror)");
      }
      return registry + "/" + repo + "@" + d.get();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read airgap's registry: " + e.getMessage(), e);
    }
  }

  /** The Red Hat pull secret with airgap's registry entry (the generated pull user) merged in. */
  static String mergePullSecret(String redHat, String registry, ClusterSecrets.Login login) {
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode root = (ObjectNode) json.readTree(redHat);
      ObjectNode auths =
          root.has("auths") ? (ObjectNode) root.get("auths") : root.putObject("auths");
      ObjectNode ours = auths.putObject(registry);
      ours.put(
          "auth",
          Base64.getEncoder()
              .encodeToString(
                  (login.user() + ":" + login.password()).getBytes(StandardCharsets.UTF_8)));
      return json.writeValueAsString(root);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException(
          "the pull secret is not {\"auths\": {...}} JSON: " + e.getMessage(), e);
    }
  }

  static boolean matchesVersion(String s) {
    Matcher m = VERSION.matcher(s);
    return m.matches();
  }
}
