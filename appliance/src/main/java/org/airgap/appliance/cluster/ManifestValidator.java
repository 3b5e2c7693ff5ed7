package org.airgap.appliance.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code airgap cluster validate DIR}: checks a directory of manifests (rendered by airgap or
 * written by hand) offline. First each document on its own: YAML that parses, no duplicate keys
 * (which is also how two objects joined without {@code ---} show), the JSON Schema of its kind
 * (nulls pruned and {@code status} dropped first, as the API server does); then rules across
 * objects, each of which catches a defect class of the published procedure:
 *
 * <ul>
 *   <li>callout numbers left in values ({@code 192.168.126.1 1}, {@code 2 6});
 *   <li>IPv4 literals in brackets (brackets are for IPv6 only), BMC and osImages URLs that are not
 *       valid URIs, osImages of more than one origin;
 *   <li>releases by tag instead of digest;
 *   <li>references that resolve nowhere (pull secrets, SSH keys, CA config maps, namespaces, the
 *       InfraEnv a BareMetalHost's label names, the HostedCluster of a NodePool);
 *   <li>config map keys that are not legal keys ({@code host:port} instead of {@code host..port}),
 *       CA bundles that are not PEM certificates;
 *   <li>registries.conf that does not parse or has a registry without mirrors;
 *   <li>MACs that differ between a BareMetalHost and the DHCP host of the same name, or repeat;
 *   <li>IPv6 addresses written as A records (and IPv4 as AAAA) in zone files.
 * </ul>
 */
public final class ManifestValidator {
  private static final Pattern CONFIGMAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern BRACKETED_IPV4 = Pattern.compile("\\[(\\d{1,3}(\\.\\d{1,3}){3})]");
  private static final Pattern CALLOUT = Pattern.compile("^(\\S+)\\s+(\\\\?)\\d{1,2}$");
  private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
  private static final Pattern ZONE_LINE =
      Pattern.compile("^\\s*(\\S+)\\s+(?:\\d+\\s+)?IN\\s+(A|AAAA)\\s+(\\S+)\\s*$");
  private static final String INFRAENV_LABEL = "infraenvs.agent-install.openshift.io";

  /** A parsed document and where it came from. */
  record Doc(String file, int index, JsonNode node) {
    String kind() {
      return node.path("kind").asText("");
    }

    String name() {
      return node.path("metadata").path("name").asText("");
    }

    String namespace() {
      return node.path("metadata").path("namespace").asText("");
    }
  }

  private final List<Finding> findings = new ArrayList<>();
  private final List<Doc> docs = new ArrayList<>();
  private final Map<String, String> dhcpMacs = new LinkedHashMap<>();

  public static List<Finding> validate(Path dir) throws IOException {
    ManifestValidator v = new ManifestValidator();
    v.run(dir);
    return List.copyOf(v.findings);
  }

  private void run(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      String rel = dir.relativize(f).toString();
      String name = f.getFileName().toString();
      String text = Files.readString(f, StandardCharsets.UTF_8);
      if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
        parse(rel, text);
      } else if (name.equals("registries.conf")) {
        registriesConf(rel, 0, "", text);
      } else if (name.endsWith(".conf") || name.endsWith(".zone") || name.endsWith(".db")) {
        dnsText(rel, text);
      }
    }
    for (Doc d : docs) {
      single(d);
    }
    across();
  }

  private void add(String file, int doc, String path, String message) {
    findings.add(new Finding(file, doc, path, message));
  }

  private void add(Doc d, String path, String message) {
    add(d.file(), d.index(), path, message);
  }

  // --- parsing: YAML, duplicate keys, one document per --- -----------------------------------

  private void parse(String file, String text) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    int index = 0; // the document being read, 1-based
    try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(text)) {
      while (true) {
        index++;
        if (!it.hasNextValue()) {
          break;
        }
        JsonNode n = it.nextValue();
        if (n == null || n.isNull() || n.isMissingNode()) {
          continue;
        }
        if (!n.isObject()) {
          add(
              file,
              index,
              "",
              "not a Kubernetes object (a " + n.getNodeType().name().toLowerCase() + ")");
          continue;
        }
        docs.add(new Doc(file, index, n));
      }
    } catch (RuntimeException | IOException e) {
      Throwable c = e instanceof RuntimeException && e.getCause() != null ? e.getCause() : e;
      String msg = c instanceof JsonProcessingException j ? j.getOriginalMessage() : c.getMessage();
      int line =
          c instanceof JsonProcessingException j && j.getLocation() != null
              ? j.getLocation().getLineNr()
              : -1;
      String hint =
          msg != null && msg.startsWith("Duplicate field")
              ? " (two objects joined without a '---' line, or a key written twice)"
              : " (check the indentation)";
      add(file, index, "", "line " + line + ": " + firstLine(msg) + hint);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // --- one document ------------------------------------------------------------------------

  private void single(Doc d) {
    if (d.kind().isEmpty() || d.node().path("apiVersion").asText("").isEmpty()) {
      add(d, "", "no apiVersion or kind");
      return;
    }
    scalars(d, "", d.node());
    JsonNode pruned = prune(d.node().deepCopy());
    if (pruned instanceof ObjectNode o) {
      o.remove("status");
    }
    SchemaCatalog.get()
        .schema(d.node().path("apiVersion").asText(), d.kind())
        .ifPresent(
            schema -> {
              for (Error e : schema.validate(pruned)) {
                add(d, e.getInstanceLocation().toString(), e.getMessage());
              }
            });
    switch (d.kind()) {
      case "ConfigMap" -> configMap(d);
      case "HostedCluster", "NodePool" -> {
        String image = d.node().path("spec").path("release").path("image").asText("");
        if (!image.isEmpty() && !image.contains("@sha256:")) {
          add(
              d,
              "/spec/release/image",
              "release '" + image + "' is a tag: use the release by digest (@sha256:…)");
        }
        String cpo =
            d.node()
                .path("metadata")
                .path("annotations")
                .path("hypershift.openshift.io/control-plane-operator-image")
                .asText("");
        if (!cpo.isEmpty() && !cpo.contains("@sha256:")) {
          add(
              d,
              "/metadata/annotations/hypershift.openshift.io~1control-plane-operator-image",
              "image '" + cpo + "' is a tag: use the release's hypershift image by digest");
        }
      }
      case "AgentServiceConfig" -> osImages(d);
      case "BareMetalHost" -> bmc(d);
      default -> {}
    }
  }

  /** Callout numbers and bracketed IPv4 anywhere in a string value. */
  private void scalars(Doc d, String path, JsonNode n) {
    if (n.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        scalars(d, path + "/" + e.getKey(), e.getValue());
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        scalars(d, path + "/" + i, n.get(i));
      }
    } else if (n.isTextual()) {
      String v = n.asText();
      Matcher c = CALLOUT.matcher(v.strip());
      if (c.matches() && (!c.group(2).isEmpty() || looksLikeValue(c.group(1)))) {
        add(d, path, "'" + v + "' ends in what looks like a documentation callout number");
      }
      Matcher b = BRACKETED_IPV4.matcher(v);
      if (b.find()) {
        add(
            d,
            path,
            "'" + b.group() + "': brackets are for IPv6 literals only; write " + b.group(1));
      }
    }
  }

  private static boolean looksLikeValue(String s) {
    return IPV4.matcher(s).matches()
        || s.equals("true")
        || s.equals("false")
        || s.matches("-?\\d+(\\.\\d+)?")
        || s.contains("://")
        || s.contains("/")
        || (s.contains(":") && s.matches("[0-9a-fA-F:.\\[\\]]+"));
  }

  private static JsonNode prune(JsonNode n) {
    if (n instanceof ObjectNode o) {
      List<String> drop = new ArrayList<>();
      o.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNull()) {
                  drop.add(e.getKey());
                } else {
                  prune(e.getValue());
                }
              });
      if (!o.path("metadata").isMissingNode()) {
        // creationTimestamp: null is allowed; other nulls the API server prunes
      }
      drop.forEach(o::remove);
    } else if (n.isArray()) {
      n.forEach(ManifestValidator::prune);
    }
    return n;
  }

  private void configMap(Doc d) {
    JsonNode data = d.node().path("data");
    data.fields()
        .forEachRemaining(
            e -> {
              String key = e.getKey();
              if (!CONFIGMAP_KEY.matcher(key).matches()) {
                add(
                    d,
                    "/data/" + key,
                    "not a legal ConfigMap key"
                        + (key.contains(":")
                            ? ": write host:port as " + key.replace(":", "..")
                            : ""));
              }
              String v = e.getValue().asText("");
              if (v.contains("-----BEGIN CERTIFICATE-----")) {
                pem(d, "/data/" + key, v);
              }
              if (key.equals("registries.conf")) {
                registriesConf(d.file(), d.index(), "/data/registries.conf", v);
              }
            });
  }

  private void pem(Doc d, String path, String v) {
    try {
      var certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(v.getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) {
        add(d, path, "no PEM certificate");
      }
      if (!v.endsWith("\n")) {
        add(d, path, "the PEM block lost its final newline (use '|', not '|-')");
      }
    } catch (CertificateException e) {
      add(d, path, "not a PEM certificate: " + firstLine(e.getMessage()));
    }
  }

  private void osImages(Doc d) {
    Set<String> origins = new TreeSet<>();
    JsonNode images = d.node().path("spec").path("osImages");
    for (int i = 0; i < images.size(); i++) {
      for (String field : List.of("url", "rootFSUrl")) {
        JsonNode u = images.get(i).path(field);
        if (u.isMissingNode()) {
          continue;
        }
        String path = "/spec/osImages/" + i + "/" + field;
        uri(d, path, u.asText(), Set.of("http", "https"))
            .ifPresent(x -> origins.add(x.getScheme() + "://" + x.getAuthority()));
      }
    }
    if (origins.size() > 1) {
      add(d, "/spec/osImages", "images come from more than one server: " + origins);
    }
  }

  private void bmc(Doc d) {
    JsonNode addr = d.node().path("spec").path("bmc").path("address");
    if (!addr.isMissingNode()) {
      String a = addr.asText();
      uri(d, "/spec/bmc/address", a, null);
    }
    JsonNode mac = d.node().path("spec").path("bootMACAddress");
    if (!mac.isMissingNode() && !MAC.matcher(mac.asText()).matches()) {
      add(d, "/spec/bootMACAddress", "'" + mac.asText() + "' is not a MAC address");
    }
  }

  private java.util.Optional<URI> uri(Doc d, String path, String value, Set<String> schemes) {
    try {
      URI u = new URI(value);
      if (u.getScheme() == null || u.getHost() == null) {
        add(d, path, "'" + value + "' is not an absolute URL with a host");
        return java.util.Optional.empty();
      }
      if (schemes != null && !schemes.contains(u.getScheme())) {
        add(d, path, "'" + value + "': scheme must be one of " + schemes);
      }
      return java.util.Optional.of(u);
    } catch (URISyntaxException e) {
      add(d, path, "'" + value + "' is not a valid URL: " + e.getReason());
      return java.util.Optional.empty();
    }
  }

  // --- registries.conf ------------------------------------------------------------------------

  void registriesConf(String file, int doc, String path, String text) {
    int registries = 0;
    int mirrorsOfCurrent = -1;
    String current = "";
    List<String> withoutMirrors = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.equals("[[registry]]")) {
        if (mirrorsOfCurrent == 0) {
          withoutMirrors.add(current);
        }
        registries++;
        mirrorsOfCurrent = 0;
        current = "";
      } else if (l.equals("[[registry.mirror]]")) {
        if (mirrorsOfCurrent < 0) {
          add(file, doc, path, "line " + (i + 1) + ": [[registry.mirror]] before any [[registry]]");
        } else {
          mirrorsOfCurrent++;
        }
      } else if (l.startsWith("[")) {
        if (!l.endsWith("]")) {
          add(file, doc, path, "line " + (i + 1) + ": unterminated table header '" + l + "'");
        }
      } else if (l.matches(
          "[A-Za-z0-9_.-]+\\s*=\\s*(\"[^\"]*\"|true|false|\\d+|\\[.*])\\s*(#.*)?")) {
        if (l.startsWith("location") && mirrorsOfCurrent == 0) {
          current = l.substring(l.indexOf('=') + 1).strip();
        }
      } else {
        add(file, doc, path, "line " + (i + 1) + ": not TOML: '" + l + "'");
      }
    }
    if (mirrorsOfCurrent == 0) {
      withoutMirrors.add(current);
    }
    if (registries == 0) {
      add(file, doc, path, "no [[registry]] entries");
    }
    for (String r : withoutMirrors) {
      add(file, doc, path, "registry " + r + " has no [[registry.mirror]]");
    }
  }

  // --- zone files and dnsmasq hosts -------------------------------------------------------------

  private void dnsText(String file, String text) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      Matcher z = ZONE_LINE.matcher(l);
      if (z.matches()) {
        String type = z.group(2);
        String value = z.group(3);
        if (type.equals("A") && value.contains(":")) {
          add(
              file,
              0,
              "line " + (i + 1),
              "IPv6 address " + value + " written as an A record: use AAAA");
        } else if (type.equals("AAAA") && IPV4.matcher(value).matches()) {
          add(
              file,
              0,
              "line " + (i + 1),
              "IPv4 address " + value + " written as an AAAA record: use A");
        }
      }
      String s = l.strip();
      if (s.startsWith("dhcp-host=")) {
        String mac = "";
        String host = "";
        for (String part : s.substring("dhcp-host=".length()).split(",")) {
          if (MAC.matcher(part).matches()) {
            mac = part.toLowerCase();
          } else if (!part.startsWith("[")
              && !IPV4.matcher(part).matches()
              && !part.contains(":")
              && !part.startsWith("set:")
              && !part.startsWith("tag:")
              && !part.matches("\\d+[hms]?|infinite")) {
            host = part;
          }
        }
        if (!mac.isEmpty() && !host.isEmpty()) {
          dhcpMacs.put(host, mac);
        }
      }
    }
  }

  // --- across objects -------------------------------------------------------------------------

  private static final Set<String> SYSTEM_NAMESPACES =
      Set.of("default", "multicluster-engine", "hypershift", "local-cluster", "openshift-config");

  private void across() {
    Map<String, Doc> byKey = new HashMap<>();
    Set<String> namespaces = new TreeSet<>();
    for (Doc d : docs) {
      byKey.put(d.kind() + "/" + d.namespace() + "/" + d.name(), d);
      if (d.kind().equals("Namespace")) {
        namespaces.add(d.name());
      }
    }
    Map<String, Doc> macs = new HashMap<>();
    for (Doc d : docs) {
      String ns = d.namespace();
      if (!ns.isEmpty()
          && !namespaces.contains(ns)
          && !SYSTEM_NAMESPACES.contains(ns)
          && !ns.startsWith("openshift-")
          && !ns.startsWith("kube-")
          && !ns.startsWith("open-cluster-management")) {
        add(d, "/metadata/namespace", "namespace '" + ns + "' is not created by any file here");
      }
      JsonNode spec = d.node().path("spec");
      switch (d.kind()) {
        case "HostedCluster" -> {
          ref(
              d,
              byKey,
              "Secret",
              ns,
              spec.path("pullSecret").path("name"),
              "/spec/pullSecret/name");
          ref(d, byKey, "Secret", ns, spec.path("sshKey").path("name"), "/spec/sshKey/name");
          ref(
              d,
              byKey,
              "ConfigMap",
              ns,
              spec.path("additionalTrustBundle").path("name"),
              "/spec/additionalTrustBundle/name");
          ref(
              d,
              byKey,
              "Secret",
              ns,
              spec.path("secretEncryption").path("aescbc").path("activeKey").path("name"),
              "/spec/secretEncryption/aescbc/activeKey/name");
        }
        case "NodePool" ->
            ref(d, byKey, "HostedCluster", ns, spec.path("clusterName"), "/spec/clusterName");
        case "InfraEnv" ->
            ref(
                d,
                byKey,
                "Secret",
                ns,
                spec.path("pullSecretRef").path("name"),
                "/spec/pullSecretRef/name");
        case "BareMetalHost" -> {
          ref(
              d,
              byKey,
              "Secret",
              ns,
              spec.path("bmc").path("credentialsName"),
              "/spec/bmc/credentialsName");
          JsonNode env = d.node().path("metadata").path("labels").path(INFRAENV_LABEL);
          ref(d, byKey, "InfraEnv", ns, env, "/metadata/labels/" + INFRAENV_LABEL);
          String mac = spec.path("bootMACAddress").asText("").toLowerCase();
          if (!mac.isEmpty()) {
            Doc other = macs.put(mac, d);
            if (other != null) {
              add(
                  d,
                  "/spec/bootMACAddress",
                  "MAC " + mac + " is also the boot MAC of " + other.name());
            }
            String dhcp = dhcpMacs.get(d.name());
            if (dhcp != null && !dhcp.equals(mac)) {
              add(
                  d,
                  "/spec/bootMACAddress",
                  "MAC " + mac + " differs from the DHCP host " + d.name() + " (" + dhcp + ")");
            }
          }
        }
        case "Image" ->
            ref(
                d,
                byKey,
                "ConfigMap",
                "openshift-config",
                spec.path("additionalTrustedCA").path("name"),
                "/spec/additionalTrustedCA/name");
        case "AgentServiceConfig" ->
            ref(
                d,
                byKey,
                "ConfigMap",
                "multicluster-engine",
                spec.path("mirrorRegistryRef").path("name"),
                "/spec/mirrorRegistryRef/name");
        default -> {}
      }
    }
  }

  private void ref(
      Doc d, Map<String, Doc> byKey, String kind, String ns, JsonNode name, String path) {
    if (name.isMissingNode() || !name.isTextual() || name.asText().isEmpty()) {
      return;
    }
    if (!byKey.containsKey(kind + "/" + ns + "/" + name.asText())) {
      add(
          d,
          path,
          "references "
              + kind
              + " "
              + (ns.isEmpty() ? "" : ns + "/")
              + name.asText()
              + ", which no file here defines");
    }
  }
}
