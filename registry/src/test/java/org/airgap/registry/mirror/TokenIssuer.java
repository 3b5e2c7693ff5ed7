package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A tiny token service for distribution's {@code auth: token}: an HTTP endpoint on loopback that
 * checks Basic credentials and signs ES256 JWTs granting exactly the scopes asked for, with a P-256
 * key and a self-signed certificate (the registry's root cert bundle) made by the test. The token's
 * {@code kid} is the key's libtrust ID, which is how distribution 2.8 finds the key.
 */
final class TokenIssuer implements AutoCloseable {
  static final String ISSUER = "airgap-test-issuer";
  static final String SERVICE = "airgap-test-registry";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KeyPair keys;
  private final String kid;
  private final String user;
  private final String password;
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, AtomicInteger> byScope = new ConcurrentHashMap<>();

  TokenIssuer(Path certFile, String user, String password) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    this.keys = g.generateKeyPair();
    this.kid = libtrustKeyId(keys.getPublic().getEncoded());
    this.user = user;
    this.password = password;
    X500Principal name = new X500Principal("CN=" + ISSUER);
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.valueOf(System.nanoTime()),
                        Date.from(Instant.now().minusSeconds(3600)),
                        Date.from(Instant.now().plusSeconds(86400)),
                        name,
                        keys.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    Files.writeString(
        certFile,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/token", this::token);
    server.start();
  }

  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** Token requests answered (any status). */
  int requests() {
    return requests.get();
  }

  /** Token requests per requested scope set (the {@code scope} values joined by a space). */
  Map<String, AtomicInteger> byScope() {
    return byScope;
  }

  /** The {@code auth:} section of a docker-registry config that trusts this issuer. */
  String authSection(Path certFile) {
    return String.join(
        "\n",
        "  token:",
        "    realm: " + realm(),
        "    service: " + SERVICE,
        "    issuer: " + ISSUER,
        "    rootcertbundle: " + certFile);
  }

  private void token(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      List<String> scopes = new ArrayList<>();
      Optional<String> service = Optional.empty();
      String q = Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse("");
      for (String kv : q.split("&")) {
        int eq = kv.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String k = kv.substring(0, eq);
        String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        if (k.equals("scope")) {
          scopes.add(v);
        } else if (k.equals("service")) {
          service = Optional.of(v);
        }
      }
      if (!service.equals(Optional.of(SERVICE))) {
        ex.sendResponseHeaders(400, -1);
        return;
      }
      byScope.computeIfAbsent(String.join(" ", scopes), s -> new AtomicInteger()).incrementAndGet();
      byte[] body =
          JSON.writeValueAsBytes(
              Map.of(
                  "token", mint(scopes), "expires_in", 300, "issued_at", Instant.now().toString()));
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    } catch (Exception e) {
      ex.sendResponseHeaders(500, -1);
    }
  }

  /** A signed token granting {@code scopes} ({@code repository:NAME:ACTIONS}). */
  String mint(List<String> scopes) throws Exception {
    long now = Instant.now().getEpochSecond();
    ObjectNode header =
        JSON.createObjectNode().put("typ", "JWT").put("alg", "ES256").put("kid", kid);
    ObjectNode claims =
        JSON.createObjectNode()
            .put("iss", ISSUER)
            .put("sub", user)
            .put("aud", SERVICE)
            .put("exp", now + 300)
            .put("nbf", now - 10)
            .put("iat", now)
            .put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String s : scopes) {
      int first = s.indexOf(':');
      int last = s.lastIndexOf(':');
      ObjectNode a = access.addObject();
      a.put("type", s.substring(0, first)).put("name", s.substring(first + 1, last));
      ArrayNode actions = a.putArray("actions");
      for (String act : s.substring(last + 1).split(",")) {
        actions.add(act);
      }
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + b64.encodeToString(JSON.writeValueAsBytes(claims));
    Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format");
    sig.initSign(keys.getPrivate());
    sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64.encodeToString(sig.sign());
  }

  /** libtrust's key ID: base32 of the first 240 bits of SHA-256(SPKI DER), in groups of four. */
  static String libtrustKeyId(byte[] spki) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-256").digest(spki);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder b32 = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < 30; i++) {
      buffer = (buffer << 8) | (h[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        b32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < b32.length(); i += 4) {
      id.append(i > 0 ? ":" : "").append(b32, i, i + 4);
    }
    return id.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
