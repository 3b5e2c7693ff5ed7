package org.airgap.registry.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.airgap.registry.api.Descriptor;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.RepoName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads one blob into a target repository from a {@link BlobSource}, byte for byte and verified
 * against its digest. Blobs up to the chunk size go in one streamed PUT (a failure starts that blob
 * over). Bigger ones go in PATCH chunks: after a failure (either side dropping the connection, or a
 * 5xx), the registry is asked how much it holds ({@code GET} the upload: {@code Range}), the source
 * is reopened at that offset, and the hash is brought forward from the last chunk boundary, so
 * nothing already uploaded is sent again.
 */
final class BlobCopier {
  private static final Logger LOG = LoggerFactory.getLogger(BlobCopier.class);
  private final RegistryClient client;
  private final MirrorListener listener;

  BlobCopier(RegistryClient client, MirrorListener listener) {
    this.client = client;
    this.listener = listener;
  }

  /** Copies the blob; returns the bytes sent. */
  long upload(String registry, RepoName repo, Descriptor d, BlobSource source) {
    ClientOptions o = client.options();
    Duration wait = o.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      URI loc =
          client
              .startUpload(registry, repo, d.digest(), Optional.empty())
              .orElseThrow(() -> new IllegalStateException("no mount asked"));
      try {
        return d.size() <= o.chunkSize()
            ? monolithic(registry, repo, d, source, loc)
            : chunked(registry, repo, d, source, loc);
      } catch (IOException | MirrorException e) {
        boolean retry =
            e instanceof IOException
                || ((MirrorException) e).kind() == MirrorException.Kind.UNREACHABLE;
        client.cancelUpload(registry, repo, loc);
        if (!retry || attempt >= o.maxAttempts()) {
          if (e instanceof MirrorException me) {
            throw me;
          }
          throw new MirrorException(
              MirrorException.Kind.UNREACHABLE,
              registry
                  + "/"
                  + repo
                  + ": blob "
                  + d.digest()
                  + ": "
                  + RegistryClient.describe(e)
                  + " (gave up after "
                  + attempt
                  + " attempts)",
              e);
        }
        listener.note(
            "blob "
                + d.digest().hex().substring(0, 12)
                + ": attempt "
                + attempt
                + " failed ("
                + RegistryClient.describe(e)
                + "), starting it over");
        RegistryClient.sleep(wait);
        wait =
            wait.multipliedBy(2).compareTo(o.maxBackoff()) > 0
                ? o.maxBackoff()
                : wait.multipliedBy(2);
      }
    }
  }

  private long monolithic(String registry, RepoName repo, Descriptor d, BlobSource source, URI loc)
      throws IOException {
    MessageDigest md = d.digest().newHasher();
    try (InputStream in = source.open(0)) {
      InputStream body = Streams.exactly(Streams.hashing(in, md, listener::transferred), d.size());
      try {
        client.finishUpload(registry, repo, loc, d.digest(), Optional.of(body), d.size());
      } catch (MirrorException e) {
        if (e.kind() == MirrorException.Kind.CORRUPT) {
          check(d, md, source); // names where the bad bytes came from
        }
        throw e;
      }
    }
    check(d, md, source);
    return d.size();
  }

  private long chunked(String registry, RepoName repo, Descriptor d, BlobSource source, URI loc)
      throws IOException {
    ClientOptions o = client.options();
    long size = d.size();
    long chunk = o.chunkSize();
    MessageDigest md = d.digest().newHasher();
    MessageDigest boundary = clone(md);
    long boundaryOffset = 0;
    long offset = 0;
    int failures = 0;
    Duration wait = o.initialBackoff();
    InputStream in = source.open(0);
    try {
      while (offset < size) {
        long len = Math.min(chunk, size - offset);
        try {
          InputStream body = Streams.exactly(Streams.hashing(in, md, listener::transferred), len);
          loc = client.patch(registry, repo, loc, body, offset, len);
          offset += len;
          boundary = clone(md);
          boundaryOffset = offset;
        } catch (IOException | MirrorException e) {
          if (e instanceof MirrorException me && me.kind() != MirrorException.Kind.UNREACHABLE) {
            throw me;
          }
          if (++failures >= o.maxAttempts() * 4) {
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
          }
          in.close();
          RegistryClient.sleep(wait);
          wait =
              wait.multipliedBy(2).compareTo(o.maxBackoff()) > 0
                  ? o.maxBackoff()
                  : wait.multipliedBy(2);
          long have = client.uploadedBytes(registry, repo, loc);
          if (have < boundaryOffset || have > size) {
            throw new IOException("the registry lost the upload (it holds " + have + " bytes)");
          }
          // bring the hash from the last boundary to what the registry holds
          md = clone(boundary);
          in = source.open(boundaryOffset);
          Streams.feed(in, have - boundaryOffset, md);
          listener.note(
              "blob "
                  + d.digest().hex().substring(0, 12)
                  + ": resuming at "
                  + Sizes.human(have)
                  + " of "
                  + Sizes.human(size)
                  + " ("
                  + RegistryClient.describe(e)
                  + ")");
          LOG.info("{}: resuming upload at {}", d.digest(), have);
          offset = have;
        }
      }
    } finally {
      in.close();
    }
    check(d, md, source);
    client.finishUpload(registry, repo, loc, d.digest(), Optional.empty(), 0);
    return size;
  }

  private static void check(Descriptor d, MessageDigest md, BlobSource source) {
    Digest got = Digest.of(d.digest().algorithm(), md);
    if (!got.equals(d.digest())) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT,
          "blob "
              + d.digest()
              + source.origin()
              + ": the source sent bytes whose digest is "
              + got);
    }
  }

  private static MessageDigest clone(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's digest cannot be cloned", e);
    }
  }
}
