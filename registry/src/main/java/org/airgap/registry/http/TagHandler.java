package org.airgap.registry.http;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.storage.RepositoryStore;

/**
 * end-8a/8b (tag list, sorted lexically, with {@code ?n=} and {@code ?last=} and a {@code Link} to
 * the next page) and the catalog ({@code /v2/_catalog}, paginated the same way).
 */
public final class TagHandler {
  private final RepositoryStore store;

  public TagHandler(RepositoryStore store) {
    this.store = store;
  }

  public void list(Call call) throws IOException {
    if (!store.exists(call.name())) {
      throw ErrorCode.NAME_UNKNOWN.with(Map.of("name", call.name().value()));
    }
    Page p = page(call, store.tags(call.name()));
    p.link.ifPresent(
        last ->
            call.exchange()
                .getResponseHeaders()
                .put(
                    Responses.LINK,
                    "</v2/"
                        + call.name()
                        + "/tags/list?n="
                        + p.n
                        + "&last="
                        + enc(last)
                        + ">; rel=\"next\""));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", call.name().value());
    body.put("tags", p.items);
    Responses.json(call.exchange(), 200, "application/json", body);
  }

  public void catalog(Call call) throws IOException {
    Page p = page(call, store.repositories());
    p.link.ifPresent(
        last ->
            call.exchange()
                .getResponseHeaders()
                .put(
                    Responses.LINK,
                    "</v2/_catalog?n=" + p.n + "&last=" + enc(last) + ">; rel=\"next\""));
    Responses.json(call.exchange(), 200, "application/json", Map.of("repositories", p.items));
  }

  private record Page(List<String> items, long n, Optional<String> link) {}

  /** Items after {@code last}, at most {@code n}; a link when more follow. */
  private static Page page(Call call, List<String> sorted) {
    Optional<String> nText = call.query("n");
    long n = Long.MAX_VALUE;
    if (nText.isPresent()) {
      try {
        n = Long.parseLong(nText.get());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0) {
        throw ErrorCode.PAGINATION_NUMBER_INVALID.with(Map.of("n", nText.get()));
      }
    }
    Optional<String> last = call.query("last");
    List<String> after =
        last.isEmpty() ? sorted : sorted.stream().filter(s -> s.compareTo(last.get()) > 0).toList();
    if (after.size() <= n) {
      return new Page(after, n, Optional.empty());
    }
    List<String> items = after.subList(0, (int) n);
    return new Page(
        items, n, items.isEmpty() ? Optional.empty() : Optional.of(items.get(items.size() - 1)));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
