package org.airgap.registry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An OpenShift update graph in Cincinnati's JSON format ({@code {"nodes": [{"version", "payload",
 * "metadata"}], "edges": [[from, to]]}}), as the update service answers {@code
 * /api/upgrades_info/graph?channel=…}, supplied as a file: airgap never asks the internet. A node's
 * channels are its {@code io.openshift.upgrades.graph.release.channels} metadata (comma-separated);
 * a node without that key belongs to every channel (a graph fetched for one channel need not say).
 */
public record UpdateGraph(List<Node> nodes) {
  static final String CHANNELS = "io.openshift.upgrades.graph.release.channels";
  private static final ObjectMapper JSON = new ObjectMapper();

  public UpdateGraph {
    nodes = List.copyOf(nodes);
  }

  /** A release: its version, payload pull spec (by digest) and channels (empty: any). */
  public record Node(Semver version, String payload, Set<String> channels) {
    public Node {
      channels = Set.copyOf(channels);
    }

    boolean in(String channel) {
      return channels.isEmpty() || channels.contains(channel);
    }
  }

  public static UpdateGraph read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, file + ": not an update graph JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.path("nodes").isArray()) {
      throw new MirrorException(
          MirrorException.Kind.USAGE, file + ": not an update graph (no \"nodes\" list)");
    }
    List<Node> nodes = new ArrayList<>();
    int i = 0;
    for (JsonNode n : root.path("nodes")) {
      String where = file + ": nodes[" + i++ + "]";
      String v = n.path("version").asText("");
      String payload = n.path("payload").asText("");
      Semver version;
      try {
        version = Semver.parse(v);
      } catch (IllegalArgumentException e) {
        throw new MirrorException(
            MirrorException.Kind.USAGE, where + ": version '" + v + "' is not semver");
      }
      if (payload.isEmpty()) {
        throw new MirrorException(MirrorException.Kind.USAGE, where + ": no payload");
      }
      ImageRef.parse(payload);
      Set<String> channels = new TreeSet<>();
      String cs = n.path("metadata").path(CHANNELS).asText("");
      if (!cs.isBlank()) {
        Arrays.stream(cs.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .forEach(channels::add);
      }
      nodes.add(new Node(version, payload, channels));
    }
    return new UpdateGraph(nodes);
  }

  /**
   * The releases of a channel that the range selects: with {@code full}, every version within the
   * bounds; else from {@code minVersion} to the newest (or to {@code maxVersion}); {@code
   * maxVersion} alone means that version only; neither means the channel's newest.
   */
  public List<Node> select(ImageSetConfig.ChannelSpec c) {
    List<Node> in =
        nodes.stream()
            .filter(n -> n.in(c.name()))
            .sorted(Comparator.comparing(Node::version))
            .toList();
    return pick(in, Node::version, c);
  }

  /** The selection rule of {@link #select}, for any versioned list sorted ascending. */
  static <T> List<T> pick(
      List<T> sorted,
      java.util.function.Function<T, Semver> version,
      ImageSetConfig.ChannelSpec c) {
    Optional<Semver> min = c.minVersion();
    Optional<Semver> max = c.maxVersion();
    if (!c.full() && min.isEmpty()) {
      if (max.isPresent()) {
        min = max;
      } else {
        return sorted.isEmpty() ? List.of() : List.of(sorted.get(sorted.size() - 1));
      }
    }
    Optional<Semver> lo = min;
    return sorted.stream().filter(n -> version.apply(n).within(lo, max)).toList();
  }
}
