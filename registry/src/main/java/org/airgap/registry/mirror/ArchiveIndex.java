package org.airgap.registry.mirror;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.airgap.websrv.io.AtomicFiles;

/**
 * {@code archive.json}, the index of a disk archive: which chunks exist (size and SHA-256), which
 * blob lives in which chunk entries, and which images (repository, tags, digest) the archive holds.
 * It is rewritten (temp file, fsync, rename) after every finished chunk, so an interrupted run
 * loses at most the chunk it was writing. See {@code registry/MIRROR.md}.
 */
@JsonPropertyOrder({"format", "version", "about", "chunks", "images", "runs", "blobs"})
public record ArchiveIndex(
    String format,
    int version,
    String about,
    List<Chunk> chunks,
    List<Image> images,
    List<Run> runs,
    Map<String, Blob> blobs) {

  public static final String FORMAT = "airgap-mirror-archive";
  public static final int VERSION = 1;
  public static final String FILE = "archive.json";
  static final String ABOUT =
      "An airgap mirror archive. Chunks are plain tar files; entry blobs/<alg>/<hex> holds a blob"
          + " or manifest, blobs/<alg>/<hex>.part-NNNN a piece of one (concatenate the parts in"
          + " order), airgap-chunk.json names the chunk. 'blobs' maps each digest to its entries;"
          + " 'images' lists repositories, tags and digests; manifests carry their media type."
          + " Load with: airgap mirror --from file://DIR --to REGISTRY. See registry/MIRROR.md.";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ArchiveIndex {
    chunks = List.copyOf(chunks);
    images = List.copyOf(images);
    runs = List.copyOf(runs);
    blobs = new TreeMap<>(blobs);
  }

  /** A finished tar chunk. */
  public record Chunk(String name, long size, String sha256, int run) {}

  /** Where a blob or manifest lives: its parts in order (one for most). */
  @JsonPropertyOrder({"size", "mediaType", "parts"})
  public record Blob(long size, String mediaType, List<Part> parts) {
    public Blob {
      parts = List.copyOf(parts);
    }
  }

  /** One tar entry of a blob. */
  public record Part(String chunk, String entry, long size) {}

  /**
   * An image in the archive.
   *
   * @param source where it came from
   * @param repository its repository path (the target puts it under its prefix)
   * @param tags tags to set
   * @param digest the top manifest
   * @param manifests every manifest digest, children first, the top last
   * @param blobs every blob digest
   * @param run the run that added it
   */
  public record Image(
      String source,
      String repository,
      List<String> tags,
      String digest,
      List<String> manifests,
      List<String> blobs,
      int run) {
    public Image {
      tags = List.copyOf(tags);
      manifests = List.copyOf(manifests);
      blobs = List.copyOf(blobs);
    }
  }

  /** One writing run: what it added. */
  public record Run(
      int run, String finished, int images, int newBlobs, long newBytes, List<String> chunks) {
    public Run {
      chunks = List.copyOf(chunks);
    }
  }

  public static ArchiveIndex empty() {
    return new ArchiveIndex(FORMAT, VERSION, ABOUT, List.of(), List.of(), List.of(), Map.of());
  }

  /** Reads {@code DIR/archive.json}; throws {@link MirrorException} naming what is wrong. */
  public static ArchiveIndex read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new MirrorException(
          MirrorException.Kind.NOT_FOUND,
          f
              + " not found: "
              + dir
              + " is not an airgap mirror archive (or archive.json was left behind)");
    }
    ArchiveIndex idx;
    try {
      idx = JSON.readValue(f.toFile(), ArchiveIndex.class);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT, f + " is not a valid archive index: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(idx.format()) || idx.version() != VERSION) {
      throw new MirrorException(
          MirrorException.Kind.CORRUPT,
          f
              + ": format "
              + idx.format()
              + " v"
              + idx.version()
              + ", expected "
              + FORMAT
              + " v"
              + VERSION);
    }
    return idx;
  }

  /** Reads the index when there is one, else an empty one (a new archive). */
  public static ArchiveIndex readOrEmpty(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE)) ? read(dir) : empty();
  }

  /** Writes {@code DIR/archive.json} atomically. */
  public void write(Path dir) {
    try {
      AtomicFiles.write(dir.resolve(FILE), JSON.writeValueAsBytes(this), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.LOCAL_IO,
          "cannot write " + dir.resolve(FILE) + ": " + e.getMessage(),
          e);
    }
  }

  public int lastRun() {
    int r = 0;
    for (Chunk c : chunks) {
      r = Math.max(r, c.run());
    }
    for (Run run : runs) {
      r = Math.max(r, run.run());
    }
    return r;
  }

  public ArchiveIndex withChunk(Chunk c, Map<String, Blob> added) {
    List<Chunk> cs = new ArrayList<>(chunks);
    cs.add(c);
    Map<String, Blob> bs = new TreeMap<>(blobs);
    bs.putAll(added);
    return new ArchiveIndex(format, version, about, cs, images, runs, bs);
  }

  /** Adds images (an image already there with the same repository and digest gets the new tags). */
  public ArchiveIndex withRun(Run run, List<Image> added) {
    List<Image> is = new ArrayList<>(images);
    for (Image a : added) {
      is.removeIf(i -> i.repository().equals(a.repository()) && i.digest().equals(a.digest()));
      is.add(a);
    }
    List<Run> rs = new ArrayList<>(runs);
    rs.add(run);
    return new ArchiveIndex(format, version, about, chunks, is, rs, blobs);
  }

  public String nextChunkName() {
    return String.format(java.util.Locale.ROOT, "airgap-%06d.tar", chunks.size() + 1);
  }
}
