package org.airgap.appliance.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.AirgapConfig;
import org.airgap.registry.mirror.AuthFiles;
import org.airgap.registry.mirror.ClientOptions;
import org.airgap.registry.mirror.Credentials;
import org.airgap.registry.mirror.EnvProxy;
import org.airgap.registry.mirror.ImageRef;
import org.airgap.registry.mirror.ImageResult;
import org.airgap.registry.mirror.ImageSetConfig;
import org.airgap.registry.mirror.ImageSetInputs;
import org.airgap.registry.mirror.ImageSetMirror;
import org.airgap.registry.mirror.Mirror;
import org.airgap.registry.mirror.MirrorException;
import org.airgap.registry.mirror.MirrorListener;
import org.airgap.registry.mirror.MirrorOptions;
import org.airgap.registry.mirror.MirrorSummary;
import org.airgap.registry.mirror.Platform;
import org.airgap.registry.mirror.RegistryClient;
import org.airgap.registry.mirror.RegistryTarget;
import org.airgap.registry.mirror.Sizes;
import org.airgap.registry.mirror.StateFiles;
import org.airgap.registry.mirror.Trust;
import org.airgap.registry.mirror.UpdateGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code airgap mirror IMAGE… --to REGISTRY[/PREFIX] | --to file://DIR}, {@code airgap mirror
 * --from file://DIR --to REGISTRY[/PREFIX]}: copies images by digest. Exit 0 when every image made
 * it, 1 when any failed, 2 on bad usage.
 */
@Command(
    name = "mirror",
    description = {
      "Copy images by digest: registry to registry, registry to a disk archive (file://DIR),",
      "or a disk archive to a registry. Progress and results go to <data-dir>/state/mirror/."
    })
public final class MirrorCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = {
        "An ImageSetConfiguration (mirror.openshift.io/v2alpha1) to mirror, and/or the airgap",
        "config file (default: ./airgap.yaml if present); told apart by their kind (repeatable)."
      })
  List<Path> configs = new ArrayList<>();

  @Option(
      names = "--workspace",
      paramLabel = "file://DIR",
      description = {
        "Where an ImageSetConfiguration run writes working-dir/cluster-resources/ (needed when",
        "--to is a registry and --from is not given; default with --from: the archive)."
      })
  String workspace;

  @Option(
      names = "--graph-data",
      paramLabel = "FILE",
      description = "A Cincinnati update-graph JSON to resolve platform.channels offline.")
  Path graphData;

  @Option(
      names = "--graph-image",
      paramLabel = "IMAGE",
      description = "The update-graph data image that platform.graph: true mirrors.")
  String graphImage;

  @Option(
      names = "--release-repo",
      paramLabel = "REPO",
      description = {
        "Where platform.channels are looked up by tag when no --graph-data is given",
        "(default: quay.io/openshift-release-dev/ocp-release; okd: quay.io/openshift/okd)."
      })
  String releaseRepo;

  @Option(
      names = "--release-signatures",
      paramLabel = "DIR",
      description = "Release signatures (sha256-HEX-N or sha256=HEX/signature-N files).")
  Path releaseSignatures;

  @Parameters(
      paramLabel = "IMAGE",
      arity = "0..*",
      description = "Images: [REGISTRY/]REPO[:TAG][@DIGEST].")
  List<String> images = new ArrayList<>();

  @Option(
      names = "--list",
      paramLabel = "FILE",
      description = "A file of images, one a line (# comments).")
  Path list;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DEST",
      description = "REGISTRY[/PREFIX] or file://DIR.")
  String to;

  @Option(
      names = "--from",
      paramLabel = "file://DIR",
      description = "Load a disk archive instead of images.")
  String from;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Only these platforms of an index (repeatable).")
  List<String> platforms = new ArrayList<>();

  @Option(
      names = "--authfile",
      paramLabel = "FILE",
      description = "A containers auth file, read first.")
  Path authfile;

  @Option(
      names = "--src-creds",
      paramLabel = "USER:PASSWORD",
      description = "Credentials for the source registries.")
  String srcCreds;

  @Option(
      names = "--dest-creds",
      paramLabel = "USER:PASSWORD",
      description = "Credentials for the target registry.")
  String destCreds;

  @Option(
      names = "--cert-dir",
      paramLabel = "DIR",
      description = "Extra CA certificates (*.crt) to trust (repeatable).")
  List<Path> certDirs = new ArrayList<>();

  @Option(
      names = "--tls-verify",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Verify TLS (--tls-verify=false also allows plain HTTP; default: true).")
  boolean tlsVerify;

  @Option(
      names = "--parallel-images",
      defaultValue = "4",
      paramLabel = "N",
      description = "Images at once (default: ${DEFAULT-VALUE}).")
  int parallelImages;

  @Option(
      names = "--parallel-blobs",
      defaultValue = "8",
      paramLabel = "N",
      description = "Blob copies at once (default: ${DEFAULT-VALUE}).")
  int parallelBlobs;

  @Option(
      names = "--chunk-size",
      defaultValue = "4G",
      paramLabel = "SIZE",
      description = "Largest archive chunk (default: ${DEFAULT-VALUE}).")
  String chunkSize;

  @Option(
      names = "--upload-chunk",
      defaultValue = "256M",
      paramLabel = "SIZE",
      description =
          "Layers above it are uploaded in resumable chunks of it (default: ${DEFAULT-VALUE}).")
  String uploadChunk;

  @Option(
      names = "--retries",
      defaultValue = "5",
      paramLabel = "N",
      description = "Attempts per request (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--no-signatures", description = "Do not copy sigstore signature tags.")
  boolean noSignatures;

  @Option(names = "--dry-run", description = "List what would move and how much; write nothing.")
  boolean dryRun;

  /** Runs the command on its own (until {@code Main} lists it as a subcommand). */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new MirrorCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintStream err = System.err;
    try {
      ConfigOption config = new ConfigOption();
      for (Path p : configs) {
        if (isImageSet(p)) {
          if (imageSet != null) {
            throw new MirrorException(
                MirrorException.Kind.USAGE, "two ImageSetConfigurations: " + imageSet + ", " + p);
          }
          imageSet = p;
        } else if (config.file == null) {
          config.file = p;
        } else {
          throw new MirrorException(
              MirrorException.Kind.USAGE, "two airgap config files: " + config.file + ", " + p);
        }
      }
      AirgapConfig cfg = config.load();
      return run(cfg.dataDir(), err);
    } catch (MirrorException e) {
      err.println("airgap mirror: " + e.getMessage());
      return e.kind() == MirrorException.Kind.USAGE ? 2 : 1;
    }
  }

  /** The ImageSetConfiguration among {@code --config}, if any. */
  Path imageSet;

  private static boolean isImageSet(Path p) {
    try {
      return ImageSetConfig.looksLikeOne(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, "cannot read --config " + p + ": " + e.getMessage());
    }
  }

  int run(Path dataDir, PrintStream err) {
    List<ImageRef> refs = refs();
    Optional<ImageSetConfig> isc = Optional.ofNullable(imageSet).map(ImageSetConfig::read);
    if (isc.isPresent() && !refs.isEmpty()) {
      throw new MirrorException(
          MirrorException.Kind.USAGE,
          "give images either in the ImageSetConfiguration or as IMAGE…/--list, not both");
    }
    Optional<Path> archiveIn = Optional.ofNullable(from).map(MirrorCommand::fileUri);
    boolean toDisk = to.startsWith("file://");
    if (archiveIn.isPresent() && (!refs.isEmpty() || toDisk)) {
      throw new MirrorException(
          MirrorException.Kind.USAGE,
          "--from file://DIR loads an archive into a registry: give no images and a registry --to");
    }
    if (archiveIn.isEmpty() && refs.isEmpty() && isc.isEmpty()) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, "no images: give IMAGE… or --list FILE");
    }
    Optional<RegistryTarget> target =
        toDisk ? Optional.empty() : Optional.of(RegistryTarget.parse(to));
    Set<String> registries = new LinkedHashSet<>();
    refs.forEach(r -> registries.add(r.registry()));
    isc.ifPresent(i -> registries.addAll(i.sourceRegistries()));
    Optional.ofNullable(graphImage).ifPresent(g -> registries.add(ImageRef.parse(g).registry()));
    Optional.ofNullable(releaseRepo).ifPresent(g -> registries.add(ImageRef.parse(g).registry()));
    if (isc.isPresent() && graphData != null) {
      UpdateGraph.read(graphData)
          .nodes()
          .forEach(n -> registries.add(ImageRef.parse(n.payload()).registry()));
    }
    Set<String> sources = new LinkedHashSet<>(registries);
    target.ifPresent(t -> registries.add(t.registry()));

    List<Path> cas =
        Trust.caFiles(
            registries, Trust.SYSTEM_CERTS_D, certDirs, List.of(dataDir.resolve("pki/ca.crt")));
    ClientOptions o =
        ClientOptions.defaults()
            .withAuthFiles(
                AuthFiles.load(
                    AuthFiles.defaultFiles(
                        Optional.ofNullable(authfile),
                        System.getenv(),
                        Path.of(System.getProperty("user.home"))),
                    Optional.ofNullable(authfile)))
            .withTls(Trust.context(cas))
            .withProxy(EnvProxy.fromEnvironment(System.getenv()))
            .withRetries(
                Math.max(1, retries),
                ClientOptions.defaults().initialBackoff(),
                ClientOptions.defaults().maxBackoff())
            .withChunkSize(Sizes.parse(uploadChunk));
    if (!tlsVerify) {
      o = o.withInsecure(registries);
    }
    if (srcCreds != null) {
      Credentials c = Credentials.parse(srcCreds);
      for (String r : sources) {
        o = o.withCredentials(r, c);
      }
    }
    if (destCreds != null && target.isPresent()) {
      o = o.withCredentials(target.get().registry(), Credentials.parse(destCreds));
    }
    Set<Platform> plats = new HashSet<>();
    platforms.forEach(p -> plats.add(Platform.parse(p)));
    MirrorOptions mo =
        new MirrorOptions(
            plats, parallelImages, parallelBlobs, !noSignatures, dryRun, chunkBytes(isc));
    Optional<Path> results = Optional.ofNullable(workspace).map(MirrorCommand::fileUri);
    if (isc.isPresent() && archiveIn.isEmpty() && !toDisk && results.isEmpty()) {
      throw new MirrorException(
          MirrorException.Kind.USAGE,
          "--config ImageSetConfiguration with a registry --to needs --workspace file://DIR"
              + " (where working-dir/cluster-resources/ goes)");
    }
    if (isc.isPresent() && dryRun) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, "--dry-run is for image lists, not ImageSetConfigurations");
    }
    ImageSetInputs inputs =
        new ImageSetInputs(
            Optional.ofNullable(graphData),
            Optional.ofNullable(graphImage),
            Optional.ofNullable(releaseSignatures),
            Optional.ofNullable(releaseRepo));

    String command =
        "airgap mirror "
            + (archiveIn.isPresent()
                ? "--from " + from + " "
                : isc.isPresent() ? "--config " + imageSet + " " : refs.size() + " image(s) ")
            + "--to "
            + to;
    StateFiles state = new StateFiles(dataDir.resolve("state/mirror"), command);
    MirrorProgress progress = new MirrorProgress(err, System.console() != null);
    MirrorSummary s;
    List<Path> resources = List.of();
    MirrorListener listener = MirrorListener.both(state, progress);
    try (RegistryClient client = new RegistryClient(o);
        Mirror m = new Mirror(client, mo, listener)) {
      ImageSetMirror ism = new ImageSetMirror(client, m, listener);
      if (archiveIn.isPresent() && !dryRun) {
        ImageSetMirror.Result r = ism.fromDisk(archiveIn.get(), target.orElseThrow(), results);
        s = r.summary();
        resources = r.resources();
      } else if (isc.isPresent() && toDisk) {
        s = ism.toDisk(isc.get(), inputs, fileUri(to)).summary();
      } else if (isc.isPresent()) {
        ImageSetMirror.Result r =
            ism.toRegistry(isc.get(), inputs, target.orElseThrow(), results.orElseThrow());
        s = r.summary();
        resources = r.resources();
      } else if (archiveIn.isPresent()) {
        s = m.fromDisk(archiveIn.get(), target.orElseThrow());
      } else if (toDisk) {
        s = m.toDisk(refs, fileUri(to));
      } else {
        s = m.toRegistry(refs, target.orElseThrow());
      }
    }
    progress.end();
    PrintStream out = System.out;
    for (ImageResult r : s.images()) {
      if (r.ok()) {
        out.println(
            (dryRun ? "would copy " : "copied ")
                + r.source()
                + " -> "
                + r.target()
                + " ("
                + r.blobsCopied()
                + " blobs, "
                + Sizes.human(r.bytesCopied())
                + "; "
                + r.blobsPresent()
                + " already there)");
      } else {
        err.println("FAILED " + r.source() + ": " + r.error().orElse(""));
      }
    }
    s.notes().forEach(n -> out.println(n));
    resources.forEach(p -> out.println("wrote " + p));
    out.println(s.line());
    return s.ok() ? 0 : 1;
  }

  /** {@code --chunk-size}, else the configuration's {@code archiveSize} (GB), else 4G. */
  private long chunkBytes(Optional<ImageSetConfig> isc) {
    boolean given = chunkSize != null && !chunkSize.equals("4G");
    if (!given && isc.isPresent() && isc.get().archiveSizeGb().isPresent()) {
      return isc.get().archiveSizeGb().get() << 30;
    }
    return Sizes.parse(chunkSize);
  }

  private List<ImageRef> refs() {
    List<String> all = new ArrayList<>(images);
    if (list != null) {
      try {
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
          String l = line.replaceFirst("#.*", "").strip();
          if (!l.isEmpty()) {
            all.add(l);
          }
        }
      } catch (IOException e) {
        throw new MirrorException(
            MirrorException.Kind.USAGE, "cannot read --list " + list + ": " + e.getMessage());
      }
    }
    return all.stream().map(ImageRef::parse).toList();
  }

  private static Path fileUri(String s) {
    if (!s.startsWith("file://")) {
      throw new MirrorException(MirrorException.Kind.USAGE, "'" + s + "' is not file://DIR");
    }
    return Path.of(s.substring("file://".length()));
  }
}
