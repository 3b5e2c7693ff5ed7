package org.airgap.appliance.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.airgap.appliance.config.Addresses;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.appliance.config.ClusterSection.Hosted;
import org.airgap.appliance.config.ListenAddress;
import org.airgap.appliance.pki.Pki;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.Reference;
import org.airgap.registry.api.RepoName;
import org.airgap.registry.storage.RepositoryStore;
import org.airgap.websrv.images.CatalogEntry;
import org.airgap.websrv.images.ImageCatalog;
import org.airgap.websrv.images.OsImage;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code airgap cluster preflight}: before anything is applied, proves the site serves what the
 * cluster will ask for — the release in the registry, the RHCOS images with the right checksums,
 * the cluster names in DNS, every BMC with the credentials of its Secret, certificates that cover
 * {@code site.hostname}, a pull secret that authenticates, and a hub with MCE installed. It asks
 * the running daemon's own listeners (loopback when they listen on a wildcard).
 */
public final class Preflight {
  /** How one check came out. */
  public enum Status {
    OK,
    FAIL,
    SKIP
  }

  /** One line of the report. */
  public record Check(Status status, String what, String detail) {
    @Override
    public String toString() {
      return String.format("%-4s  %-22s %s", status, what, detail);
    }
  }

  /** Where the daemon's services answer: loopback for wildcard listeners. */
  public record Endpoints(
      InetSocketAddress registry,
      InetSocketAddress websrv,
      InetSocketAddress dns,
      InetSocketAddress redfish) {
    public static Endpoints fromConfig(AirgapConfig c) {
      return new Endpoints(
          loopback(c.registry().listen().get(0)),
          loopback(c.websrv().listen().get(0)),
          loopback(c.dns().listen().get(0)),
          loopback(c.redfish().listen().get(0)));
    }
  }

  private final AirgapConfig cfg;
  private final Endpoints at;
  private final SiteFacts facts;
  private final Optional<KubernetesClient> hub;
  private final HttpClient http;
  private final List<Check> out = new ArrayList<>();

  public Preflight(
      AirgapConfig cfg,
      Endpoints at,
      SiteFacts facts,
      Optional<KubernetesClient> hub,
      HttpClient http) {
    this.cfg = cfg;
    this.at = at;
    this.facts = facts;
    this.hub = hub;
    this.http = http;
  }

  public List<Check> run() {
    release();
    hypershiftImage();
    images();
    dns();
    bmcs();
    certificates();
    pullSecret();
    hub();
    return List.copyOf(out);
  }

  public static boolean passed(List<Check> checks) {
    return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
  }

  private void add(Status s, String what, String detail) {
    out.add(new Check(s, what, detail));
  }

  private void release() {
    String image = facts.releaseImage();
    int slash = image.indexOf('/');
    int at = image.indexOf('@');
    try {
      RepoName repo = RepoName.parse(image.substring(slash + 1, at));
      Digest d = Digest.parse(image.substring(at + 1));
      RepositoryStore store = RepositoryStore.onFiles(cfg.dataDir().resolve("registry"));
      if (store.manifest(repo, Reference.parse(d.toString())).isPresent()) {
        add(Status.OK, "release", image);
      } else {
        add(
            Status.FAIL,
            "release",
            image + " is not in airgap's registry (mirror the release first)");
      }
    } catch (Exception e) {
      add(Status.FAIL, "release", image + ": " + e.getMessage());
    }
  }

  /** The release's hypershift component, at the mirror the HostedCluster's annotation names. */
  private void hypershiftImage() {
    String cpo = facts.controlPlaneOperatorImage();
    try {
      int slash = cpo.indexOf('/');
      int at = cpo.indexOf('@');
      boolean here = cpo.startsWith(facts.registryHostPort() + "/") && at > slash;
      RepositoryStore store = RepositoryStore.onFiles(cfg.dataDir().resolve("registry"));
      if (here
          && store
              .manifest(
                  RepoName.parse(cpo.substring(slash + 1, at)),
                  Reference.parse(cpo.substring(at + 1)))
              .isPresent()) {
        add(Status.OK, "hypershift image", cpo);
      } else {
        add(
            Status.FAIL,
            "hypershift image",
            cpo + " (the release's hypershift component) is not in airgap's registry");
      }
    } catch (Exception e) {
      add(Status.FAIL, "hypershift image", cpo + ": " + e.getMessage());
    }
  }

  private void images() {
    if (facts.osImages().isEmpty()) {
      add(Status.FAIL, "rhcos images", "the web server serves none (airgap images fetch|add)");
      return;
    }
    Path dir = cfg.websrvRoot().resolve("images");
    ImageCatalog catalog = new ImageCatalog(dir);
    for (OsImage o : facts.osImages()) {
      for (String file : List.of(o.isoFile(), o.rootfsFile())) {
        Optional<CatalogEntry> e = catalog.find(file);
        String url = base(at.websrv(), false) + "/images/" + file;
        try {
          HttpResponse<Void> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(url))
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          long size = Files.size(dir.resolve(file));
          if (r.statusCode() != 200
              || r.headers().firstValueAsLong("Content-Length").orElse(-1) != size) {
            add(Status.FAIL, "rhcos " + file, "served with " + r.statusCode() + " at " + url);
            continue;
          }
          if (e.isPresent() && e.get().sha256().isPresent()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(dir.resolve(file))) {
              byte[] buf = new byte[1 << 20];
              int n;
              while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
              }
            }
            String hex = HexFormat.of().formatHex(md.digest());
            if (!hex.equalsIgnoreCase(e.get().sha256().get().hex())) {
              add(
                  Status.FAIL,
                  "rhcos " + file,
                  "sha256 " + hex + " is not the recorded " + e.get().sha256().get().hex());
              continue;
            }
            add(Status.OK, "rhcos " + file, "served, sha256 verified");
          } else {
            add(Status.OK, "rhcos " + file, "served (no checksum recorded to verify)");
          }
        } catch (Exception ex) {
          add(Status.FAIL, "rhcos " + file, url + ": " + ex.getMessage());
        }
      }
    }
  }

  private void dns() {
    if (!cfg.dns().enabled() || cfg.dns().listen().isEmpty()) {
      add(Status.SKIP, "dns", "airgap's DNS is off");
      return;
    }
    InetSocketAddress server = at.dns();
    for (Hosted h : cfg.cluster().hosted()) {
      String api = h.api() != null ? h.api() : cfg.cluster().hub().nodeAddress();
      String base = h.name() + "." + cfg.site().domain() + ".";
      List<String[]> names = new ArrayList<>();
      names.add(new String[] {"api." + base, api});
      names.add(new String[] {"api-int." + base, api});
      if (h.ingress() != null) {
        names.add(new String[] {"preflight.apps." + base, h.ingress()});
      }
      for (String[] n : names) {
        try {
          SimpleResolver r = new SimpleResolver(server);
          r.setTimeout(Duration.ofSeconds(3));
          Message m =
              r.send(Message.newQuery(Record.newRecord(Name.fromString(n[0]), Type.A, DClass.IN)));
          List<InetAddress> got =
              m.getSection(Section.ANSWER).stream()
                  .filter(x -> x instanceof ARecord)
                  .map(x -> ((ARecord) x).getAddress())
                  .toList();
          if (m.getRcode() == Rcode.NOERROR && got.contains(Addresses.literal(n[1]))) {
            add(Status.OK, "dns " + n[0], "→ " + n[1]);
          } else {
            add(
                Status.FAIL,
                "dns " + n[0],
                "answered " + Rcode.string(m.getRcode()) + " " + got + ", want " + n[1]);
          }
        } catch (Exception e) {
          add(Status.FAIL, "dns " + n[0], e.getMessage());
        }
      }
    }
  }

  private void bmcs() {
    ClusterSecrets.Login bmc = facts.secrets().bmcUser();
    String base = base(at.redfish(), cfg.redfish().tls());
    for (ClusterFeeds.Machine m : ClusterFeeds.machines(cfg)) {
      String url = base + "/redfish/v1/Systems/" + m.uuid();
      try {
        int code = getWithBasic(url, bmc);
        add(
            code == 200 ? Status.OK : Status.FAIL,
            "bmc " + m.name(),
            code == 200 ? "answers with its Secret's credentials" : url + " answered " + code);
      } catch (Exception e) {
        add(Status.FAIL, "bmc " + m.name(), url + ": " + e.getMessage());
      }
    }
  }

  private void certificates() {
    for (String service : List.of("registry", "redfish")) {
      Path crt = cfg.dataDir().resolve("pki/" + service + ".crt");
      try {
        var sans = Pki.sansOf(Pki.readCertificates(crt).get(0));
        String host = cfg.site().hostname();
        boolean covered =
            Addresses.isLiteral(host)
                ? sans.ipAddresses().contains(Addresses.text(Addresses.literal(host)))
                : sans.dnsNames().contains(host.toLowerCase());
        add(
            covered ? Status.OK : Status.FAIL,
            "certificate " + service,
            covered ? "covers " + host : "does not cover " + host + " (SANs " + sans + ")");
      } catch (Exception e) {
        add(Status.FAIL, "certificate " + service, "cannot read " + crt + ": " + e.getMessage());
      }
    }
  }

  private void pullSecret() {
    ClusterSecrets.Login pull = facts.secrets().pullUser();
    String url = base(at.registry(), cfg.registry().tls()) + "/v2/";
    try {
      int code = getWithBasic(url, pull);
      add(
          code == 200 ? Status.OK : Status.FAIL,
          "pull secret",
          code == 200
              ? "the airgap entry logs in to " + facts.registryHostPort()
              : url + " answered " + code);
    } catch (Exception e) {
      add(Status.FAIL, "pull secret", url + ": " + e.getMessage());
    }
  }

  /** A GET with HTTP Basic credentials; its status code. */
  private int getWithBasic(String url, ClusterSecrets.Login login) throws Exception {
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (login.user() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + auth)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private void hub() {
    if (hub.isEmpty()) {
      add(Status.FAIL, "hub", "cluster.hub.kubeconfig is not set");
      return;
    }
    try {
      GenericKubernetesResource mce =
          hub.get()
              .genericKubernetesResources(
                  Kinds.require("multicluster.openshift.io/v1", "MultiClusterEngine"))
              .withName("multiclusterengine")
              .get();
      if (mce == null) {
        add(
            Status.FAIL,
            "hub",
            "reachable, but MultiClusterEngine multiclusterengine is not installed");
        return;
      }
      Object phase = ClusterApplier.nested(mce, "status", "phase");
      add(
          "Available".equals(String.valueOf(phase)) ? Status.OK : Status.FAIL,
          "hub",
          "MultiClusterEngine phase " + phase);
    } catch (Exception e) {
      add(Status.FAIL, "hub", "not reachable: " + e.getMessage());
    }
  }

  private static InetSocketAddress loopback(ListenAddress l) {
    InetAddress a = l.isWildcard() ? InetAddress.getLoopbackAddress() : l.host();
    return new InetSocketAddress(a, l.port());
  }

  private static String base(InetSocketAddress a, boolean tls) {
    return (tls ? "https://" : "http://")
        + Addresses.hostPort(Addresses.text(a.getAddress()), a.getPort());
  }
}
