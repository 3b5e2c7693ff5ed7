package org.airgap.websrv.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The validators and length of what a GET would send: a file, a blob, a media image.
 *
 * @param length the byte length of the full representation
 * @param etag its strong entity tag
 * @param lastModified its modification time (compared at one-second resolution, as HTTP dates
 *     carry)
 */
public record Representation(long length, EntityTag etag, Instant lastModified) {
  public Representation {
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length);
    }
    lastModified = lastModified.truncatedTo(ChronoUnit.SECONDS);
  }

  /** A file's length, {@link EntityTag#forFile strong tag} and modification time. */
  public static Representation of(Path file) throws IOException {
    return new Representation(
        Files.size(file), EntityTag.forFile(file), Files.getLastModifiedTime(file).toInstant());
  }
}
