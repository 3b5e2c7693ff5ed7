package org.airgap.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.airgap.registry.api.Digest;
import org.airgap.registry.api.MediaTypes;
import org.airgap.registry.storage.RepositoryStore;

/**
 * end-12: the referrers of a digest as an OCI image index, filtered by {@code ?artifactType=} (and
 * then saying so in {@code OCI-Filters-Applied}). An unknown digest or repository gets an empty
 * index, never a 404 (the spec forbids one here).
 */
public final class ReferrerHandler {
  private final RepositoryStore store;

  public ReferrerHandler(RepositoryStore store) {
    this.store = store;
  }

  public void list(Call call) throws IOException {
    Digest subject = Digest.parse(call.ref());
    Optional<String> artifactType = call.query("artifactType");
    List<JsonNode> found = store.referrers(call.name(), subject, artifactType);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", found);
    if (artifactType.isPresent()) {
      call.exchange().getResponseHeaders().put(Responses.OCI_FILTERS_APPLIED, "artifactType");
    }
    Responses.json(call.exchange(), 200, MediaTypes.OCI_INDEX, index);
  }
}
