package org.airgap.registry.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for the mirror client: the JDK's CAs plus the CAs container tools would trust for the
 * registries at hand — {@code *.crt} in {@code /etc/containers/certs.d/HOST:PORT/} (and {@code
 * /etc/docker/certs.d/}), in every {@code --cert-dir}, and the site CA file when there is one.
 */
public final class Trust {
  /** Where podman and skopeo look for per-registry CAs. */
  public static final List<Path> SYSTEM_CERTS_D =
      List.of(Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"));

  private Trust() {}

  /**
   * The CA files that apply: {@code certsD/REGISTRY/*.crt} for each registry and certs.d root,
   * {@code *.crt} and {@code *.pem} of each cert dir, and the extra files that exist.
   */
  public static List<Path> caFiles(
      Collection<String> registries,
      List<Path> certsDRoots,
      List<Path> certDirs,
      List<Path> extraFiles) {
    List<Path> files = new ArrayList<>();
    for (Path root : certsDRoots) {
      for (String r : registries) {
        files.addAll(crtFiles(root.resolve(r)));
      }
    }
    for (Path d : certDirs) {
      if (!Files.isDirectory(d)) {
        throw new MirrorException(MirrorException.Kind.USAGE, "cert dir " + d + " not found");
      }
      files.addAll(crtFiles(d));
    }
    for (Path f : extraFiles) {
      if (Files.isRegularFile(f)) {
        files.add(f);
      }
    }
    return files;
  }

  private static List<Path> crtFiles(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{crt,pem}")) {
      for (Path p : s) {
        out.add(p);
      }
    } catch (IOException e) {
      throw new MirrorException(MirrorException.Kind.LOCAL_IO, "cannot list " + dir, e);
    }
    out.sort(null);
    return out;
  }

  /** A context trusting the JDK's CAs and the certificates in {@code caFiles}. */
  public static SSLContext context(List<Path> caFiles) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Path f : caFiles) {
        try (InputStream in = Files.newInputStream(f)) {
          for (Certificate c : cf.generateCertificates(in)) {
            ks.setCertificateEntry("ca-" + i++, c);
          }
        } catch (IOException | CertificateException e) {
          throw new MirrorException(
              MirrorException.Kind.USAGE, "cannot read CA file " + f + ": " + e.getMessage(), e);
        }
      }
      X509TrustManager jdk = manager(null);
      X509TrustManager extra = i == 0 ? jdk : manager(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new Either(jdk, extra)}, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("TLS setup: " + e, e);
    }
  }

  private static X509TrustManager manager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager t : tmf.getTrustManagers()) {
      if (t instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }

  /** Trusts a chain when either manager does. */
  private record Either(X509TrustManager first, X509TrustManager second)
      implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      first.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        second.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        first.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      if (second != first) {
        all.addAll(List.of(second.getAcceptedIssuers()));
      }
      return all.toArray(new X509Certificate[0]);
    }
  }
}
