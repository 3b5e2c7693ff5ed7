package org.airgap.appliance.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import org.airgap.appliance.config.Addresses;
import org.airgap.websrv.io.AtomicFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site CA and one server certificate per TLS service, under {@code <data-dir>/pki/}:
 *
 * <pre>
 * pki/
 * ├── ca.crt            the site CA (what clusters trust: registry-config, user-ca-bundle)
 * ├── ca.key            0600
 * ├── registry.crt      server certificate + CA, SANs = every site name and address + localhost
 * ├── registry.key      0600
 * ├── redfish.crt / .key
 * └── …                 one pair per TLS service
 * </pre>
 *
 * <p>Keys are ECDSA P-256 with SHA-256 signatures: every client this appliance serves accepts them
 * (Go's crypto/tls in skopeo, podman and oc; OpenSSL in curl and Python requests/Ironic; the JDK),
 * a key is generated in milliseconds (RSA-3072 takes about a second, which the first start would
 * pay per service), and handshakes are smaller and cheaper than with RSA. Server certificates carry
 * what strict verifiers check: CA:false, digitalSignature key usage, serverAuth extended key usage,
 * the names in subjectAltName only (Go ignores the CN), subject/authority key identifiers, and a
 * validity of 397 days. A certificate is reissued at start (and by {@link #refresh}) when its SAN
 * set changes, when it expires within 30 days, or when it was not signed by the current CA.
 */
public final class Pki {
  private static final Logger LOG = LoggerFactory.getLogger(Pki.class);
  static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String siteName;
  private final Clock clock;
  private final Map<String, SwappableKeyManager> keyManagers = new LinkedHashMap<>();
  private final Map<String, Sans> sans = new LinkedHashMap<>();
  private final Map<String, Supplied> supplied = new LinkedHashMap<>();

  /** A user-supplied certificate (chain) and key, and the file times they were loaded at. */
  private record Supplied(Path cert, Path key, String stamp) {}

  private KeyPair caKeys;
  private X509Certificate ca;

  /** Subject alternative names of a server certificate. */
  public record Sans(Set<String> dnsNames, Set<String> ipAddresses) {
    public Sans {
      dnsNames = Set.copyOf(new TreeSet<>(dnsNames));
      ipAddresses = Set.copyOf(new TreeSet<>(ipAddresses));
    }

    /** The site's names and addresses plus localhost, 127.0.0.1 and ::1. */
    public static Sans of(Collection<String> names, Collection<InetAddress> addresses) {
      Set<String> dns = new TreeSet<>();
      dns.add("localhost");
      Set<String> ips = new TreeSet<>(List.of("127.0.0.1", "::1"));
      for (String n : names) {
        if (Addresses.isLiteral(n)) {
          ips.add(Addresses.text(Addresses.literal(n)));
        } else {
          dns.add(n.toLowerCase(java.util.Locale.ROOT));
        }
      }
      for (InetAddress a : addresses) {
        ips.add(Addresses.text(a));
      }
      return new Sans(dns, ips);
    }
  }

  public Pki(Path dir, String siteName, Clock clock) {
    this.dir = dir;
    this.siteName = siteName;
    this.clock = clock;
  }

  public Pki(Path dir, String siteName) {
    this(dir, siteName, Clock.systemUTC());
  }

  public Path dir() {
    return dir;
  }

  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  public Path certFile(String service) {
    return dir.resolve(service + ".crt");
  }

  public Path keyFile(String service) {
    return dir.resolve(service + ".key");
  }

  /** Loads the CA, creating it on the first start. */
  public synchronized Pki init() {
    try {
      Files.createDirectories(dir);
      try {
        Files.setPosixFilePermissions(
            dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException ignored) {
        // not POSIX
      }
      if (Files.exists(caFile()) && Files.exists(dir.resolve("ca.key"))) {
        ca = readCertificates(caFile()).get(0);
        caKeys = new KeyPair(ca.getPublicKey(), readKey(dir.resolve("ca.key")));
      } else {
        createCa();
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot set up the site CA in " + dir + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot set up the site CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  public synchronized X509Certificate ca() {
    return ca;
  }

  /** The CA certificate in PEM, with its final newline. */
  public String caPem() {
    try {
      return Files.readString(caFile(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 fingerprint of the CA, as {@code AB:CD:…}. */
  public String caFingerprint() {
    return fingerprint(ca);
  }

  public static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ensures {@code service} has a current certificate for {@code wanted}; returns whether one was
   * (re)issued.
   */
  public synchronized boolean ensure(String service, Sans wanted) {
    sans.put(service, wanted);
    try {
      Path crt = certFile(service);
      Path key = keyFile(service);
      if (Files.exists(crt) && Files.exists(key)) {
        X509Certificate cert = readCertificates(crt).get(0);
        String why = reasonToReissue(cert, wanted);
        if (why.isEmpty()) {
          return false;
        }
        LOG.info("reissuing the {} certificate: {}", service, why);
      }
      issue(service, wanted);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the " + service + " certificate: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot issue the " + service + " certificate: " + e.getMessage(), e);
    }
  }

  private String reasonToReissue(X509Certificate cert, Sans wanted)
      throws GeneralSecurityException {
    if (!sansOf(cert).equals(wanted)) {
      return "its names changed";
    }
    if (cert.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
      return "it expires on " + cert.getNotAfter().toInstant();
    }
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return "it was not signed by the current site CA";
    }
    return "";
  }

  /**
   * A server TLS context for {@code service} whose certificate can be swapped at run time ({@link
   * #refresh}, or a user-supplied certificate), preferring AES-128-GCM ({@link ServerSuites}).
   * {@link #ensure} must have run for the service.
   */
  public synchronized SSLContext serverContext(String service) {
    try {
      SwappableKeyManager km = keyManagers.get(service);
      if (km == null) {
        Supplied u = supplied.get(service);
        km =
            new SwappableKeyManager(
                u != null
                    ? loadKeyManager(u.cert(), u.key())
                    : loadKeyManager(certFile(service), keyFile(service)));
        keyManagers.put(service, km);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new javax.net.ssl.KeyManager[] {km}, null, RANDOM);
      return ServerSuites.preferAes128(ctx);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot load the " + service + " certificate: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot load the " + service + " certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Serves {@code cert} and {@code key} (PEM, user-supplied) for {@code service} instead of a
   * generated certificate; a later call with changed files swaps them into running servers. Returns
   * whether what is served changed.
   */
  public synchronized boolean supply(String service, Path cert, Path key) {
    try {
      String stamp = stamp(cert) + "/" + stamp(key);
      Supplied before = supplied.get(service);
      if (before != null
          && before.cert().equals(cert)
          && before.key().equals(key)
          && before.stamp().equals(stamp)) {
        return false;
      }
      X509ExtendedKeyManager loaded = loadKeyManager(cert, key); // fails before anything changes
      supplied.put(service, new Supplied(cert, key, stamp));
      sans.remove(service);
      SwappableKeyManager km = keyManagers.get(service);
      if (km != null) {
        km.swap(loaded);
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot load the " + service + " certificate " + cert + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot load the " + service + " certificate " + cert + ": " + e.getMessage(), e);
    }
  }

  private static String stamp(Path p) throws IOException {
    return Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p);
  }

  /** Reissues what is due and swaps it into running servers; returns the services renewed. */
  public synchronized List<String> refresh() {
    List<String> renewed = new ArrayList<>();
    for (Map.Entry<String, Supplied> e : new ArrayList<>(supplied.entrySet())) {
      if (supply(e.getKey(), e.getValue().cert(), e.getValue().key())) {
        renewed.add(e.getKey());
      }
    }
    for (Map.Entry<String, Sans> e : sans.entrySet()) {
      if (ensure(e.getKey(), e.getValue())) {
        renewed.add(e.getKey());
        SwappableKeyManager km = keyManagers.get(e.getKey());
        if (km != null) {
          try {
            km.swap(loadKeyManager(certFile(e.getKey()), keyFile(e.getKey())));
          } catch (IOException | GeneralSecurityException ex) {
            LOG.warn("cannot load the renewed {} certificate: {}", e.getKey(), ex.getMessage());
          }
        }
      }
    }
    return renewed;
  }

  /** Expiry of every certificate: the CA and each service. */
  public synchronized Map<String, Instant> expiries() {
    Map<String, Instant> out = new LinkedHashMap<>();
    out.put("ca", ca.getNotAfter().toInstant());
    for (String s : sans.keySet()) {
      try {
        out.put(s, readCertificates(certFile(s)).get(0).getNotAfter().toInstant());
      } catch (IOException | GeneralSecurityException e) {
        // unreadable: left out
      }
    }
    for (Map.Entry<String, Supplied> u : supplied.entrySet()) {
      try {
        out.put(u.getKey(), readCertificates(u.getValue().cert()).get(0).getNotAfter().toInstant());
      } catch (IOException | GeneralSecurityException e) {
        // unreadable: left out
      }
    }
    return out;
  }

  private void createCa() throws IOException, GeneralSecurityException {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X500Name name = new X500Name("CN=airgap site CA (" + escape(siteName) + "),O=airgap");
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(CA_VALIDITY)),
            name,
            keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    X509Certificate cert = sign(b, keys.getPrivate());
    AtomicFiles.writeString(dir.resolve("ca.key"), pem(keys.getPrivate()), AtomicFiles.PRIVATE);
    AtomicFiles.writeString(caFile(), pem(cert), AtomicFiles.PUBLIC);
    ca = cert;
    caKeys = keys;
    LOG.info("created the site CA {} ({})", caFile(), fingerprint(cert));
  }

  private void issue(String service, Sans wanted) throws IOException, GeneralSecurityException {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    String cn =
        wanted.dnsNames().stream()
            .filter(n -> !n.equals("localhost"))
            .findFirst()
            .orElse("localhost");
    X500Name subject = new X500Name("CN=" + escape(cn) + ",OU=" + service + ",O=airgap");
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            ca,
            serial(),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(SERVER_VALIDITY)),
            subject,
            keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    List<GeneralName> names = new ArrayList<>();
    for (String d : wanted.dnsNames()) {
      names.add(new GeneralName(GeneralName.dNSName, d));
    }
    for (String ip : wanted.ipAddresses()) {
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(names.toArray(GeneralName[]::new)));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    X509Certificate cert = sign(b, caKeys.getPrivate());
    AtomicFiles.writeString(keyFile(service), pem(keys.getPrivate()), AtomicFiles.PRIVATE);
    AtomicFiles.writeString(certFile(service), pem(cert) + pem(ca), AtomicFiles.PUBLIC);
  }

  public static Sans sansOf(X509Certificate cert) throws GeneralSecurityException {
    Set<String> dns = new TreeSet<>();
    Set<String> ips = new TreeSet<>();
    Collection<List<?>> all = cert.getSubjectAlternativeNames();
    if (all != null) {
      for (List<?> san : all) {
        int type = (Integer) san.get(0);
        String value = (String) san.get(1);
        if (type == GeneralName.dNSName) {
          dns.add(value);
        } else if (type == GeneralName.iPAddress) {
          ips.add(Addresses.text(Addresses.literal(value)));
        }
      }
    }
    return new Sans(dns, ips);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(128, RANDOM).setBit(127);
  }

  private static String escape(String s) {
    return s.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
  }

  static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      if (o instanceof PrivateKey k) {
        // PKCS#8 ("PRIVATE KEY"): read by OpenSSL, Go, Python and the JDK alike
        pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
      } else {
        pw.writeObject(o);
      }
    }
    return w.toString();
  }

  /** Reads every certificate in a PEM file. */
  public static List<X509Certificate> readCertificates(Path file)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o;
      JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
      while ((o = p.readObject()) != null) {
        if (o instanceof org.bouncycastle.cert.X509CertificateHolder h) {
          out.add(conv.getCertificate(h));
        }
      }
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException(file + " holds no PEM certificate");
    }
    return out;
  }

  /** Reads a PEM private key (PKCS#8, or a traditional EC/RSA key). */
  public static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return conv.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new GeneralSecurityException(file + " holds no PEM private key");
    }
  }

  /** A key manager for a PEM certificate chain and key (also user-supplied ones). */
  public static X509ExtendedKeyManager loadKeyManager(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = readCertificates(certFile);
    PrivateKey key = readKey(keyFile);
    PublicKey pub = chain.get(0).getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      throw new GeneralSecurityException(
          keyFile + " does not match the certificate in " + certFile);
    }
    char[] pw = "airgap".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, pw, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    for (javax.net.ssl.KeyManager km : kmf.getKeyManagers()) {
      if (km instanceof X509ExtendedKeyManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 key manager");
  }
}
