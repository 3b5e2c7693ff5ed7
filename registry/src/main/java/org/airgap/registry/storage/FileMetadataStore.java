package org.airgap.registry.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.airgap.websrv.io.AtomicFiles;

/**
 * {@link MetadataStore} as small files under a folder: a key is a relative path, a value the file's
 * bytes. Writes go through {@link AtomicFiles} (temp file, fsync, rename). Temp files start with
 * {@code .} and are never listed.
 */
public final class FileMetadataStore implements MetadataStore {
  private final Path root;

  public FileMetadataStore(Path root) {
    this.root = root;
  }

  private Path file(String key) {
    return root.resolve(StorageLayout.checkKey(key));
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    Path f = file(key);
    try {
      return Files.isRegularFile(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void put(String key, byte[] value) throws IOException {
    AtomicFiles.write(file(key), value, AtomicFiles.PUBLIC);
  }

  @Override
  public boolean delete(String key) throws IOException {
    Path f = file(key);
    return Files.isRegularFile(f) && Files.deleteIfExists(f);
  }

  @Override
  public boolean deleteIf(String key, byte[] expected) throws IOException {
    Path f = file(key);
    synchronized (lock(key)) {
      Optional<byte[]> v = get(key);
      if (v.isEmpty() || !java.util.Arrays.equals(v.get(), expected)) {
        return false;
      }
      return Files.deleteIfExists(f);
    }
  }

  private final Object[] locks = newLocks();

  private static Object[] newLocks() {
    Object[] l = new Object[64];
    for (int i = 0; i < l.length; i++) {
      l[i] = new Object();
    }
    return l;
  }

  private Object lock(String key) {
    return locks[Math.floorMod(key.hashCode(), locks.length)];
  }

  @Override
  public List<String> children(String prefix) throws IOException {
    Path dir = prefix.isEmpty() ? root : file(prefix);
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".")) {
          out.add(n);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  @Override
  public Optional<Long> modifiedMillis(String key) throws IOException {
    Path f = file(key);
    try {
      return Files.isRegularFile(f)
          ? Optional.of(Files.getLastModifiedTime(f).toMillis())
          : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    return Files.exists(file(key));
  }
}
