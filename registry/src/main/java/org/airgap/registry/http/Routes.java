package org.airgap.registry.http;

import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.List;
import org.airgap.registry.http.RoutePath.Kind;

/**
 * The whole API in one table: method, path group, who may call it, handler. The ids are the OCI
 * Distribution Spec v1.1 endpoint ids ({@code end-1} … {@code end-13}).
 */
public final class Routes {
  private Routes() {}

  /** Who may call a route. */
  public enum Access {
    /** Valid credentials, always (the base check). */
    USER,
    /** Valid credentials, or none when anonymous pull is on. */
    PULL,
    /** Valid credentials, always. */
    PUSH
  }

  /**
   * A route handler: returns normally or throws a {@link
   * org.airgap.registry.api.RegistryException}.
   */
  @FunctionalInterface
  public interface Handler {
    void handle(Call call) throws Exception;
  }

  public record Route(String id, HttpString method, Kind kind, Access access, Handler handler) {}

  public static List<Route> table(
      BaseHandler base,
      BlobHandler blobs,
      UploadHandler uploads,
      ManifestHandler manifests,
      TagHandler tags,
      ReferrerHandler referrers) {
    return List.of(
        new Route("end-1", Methods.GET, Kind.BASE, Access.USER, base::get),
        new Route("end-2", Methods.GET, Kind.BLOB, Access.PULL, blobs::get),
        new Route("end-2", Methods.HEAD, Kind.BLOB, Access.PULL, blobs::get),
        new Route("end-3", Methods.GET, Kind.MANIFEST, Access.PULL, manifests::get),
        new Route("end-3", Methods.HEAD, Kind.MANIFEST, Access.PULL, manifests::get),
        // end-4a (new upload), end-4b (monolithic with ?digest=), end-11 (?mount=&from=)
        new Route("end-4", Methods.POST, Kind.UPLOADS, Access.PUSH, uploads::start),
        new Route("end-5", Methods.PATCH, Kind.UPLOAD, Access.PUSH, uploads::patch),
        new Route("end-6", Methods.PUT, Kind.UPLOAD, Access.PUSH, uploads::put),
        new Route("end-7", Methods.PUT, Kind.MANIFEST, Access.PUSH, manifests::put),
        new Route("end-8", Methods.GET, Kind.TAGS, Access.PULL, tags::list),
        new Route("end-9", Methods.DELETE, Kind.MANIFEST, Access.PUSH, manifests::delete),
        new Route("end-10", Methods.DELETE, Kind.BLOB, Access.PUSH, blobs::delete),
        new Route("end-12", Methods.GET, Kind.REFERRERS, Access.PULL, referrers::list),
        new Route("end-13", Methods.GET, Kind.UPLOAD, Access.PUSH, uploads::status),
        new Route("upload-cancel", Methods.DELETE, Kind.UPLOAD, Access.PUSH, uploads::cancel),
        new Route("catalog", Methods.GET, Kind.CATALOG, Access.PULL, tags::catalog));
  }
}
