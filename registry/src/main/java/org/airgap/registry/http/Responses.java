package org.airgap.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;

/** Small helpers to finish a response. */
final class Responses {
  static final HttpString DOCKER_CONTENT_DIGEST = new HttpString("Docker-Content-Digest");
  static final HttpString DOCKER_UPLOAD_UUID = new HttpString("Docker-Upload-UUID");
  static final HttpString OCI_SUBJECT = new HttpString("OCI-Subject");
  static final HttpString OCI_FILTERS_APPLIED = new HttpString("OCI-Filters-Applied");
  static final HttpString RANGE = new HttpString("Range");
  static final HttpString LINK = new HttpString("Link");
  static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  /** Ends the response with {@code status} and no body. */
  static void empty(HttpServerExchange ex, int status) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
    ex.endExchange();
  }

  /** Sends {@code body} with {@code contentType}; HEAD gets the headers only. */
  static void bytes(HttpServerExchange ex, int status, String contentType, byte[] body) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    if (ex.getRequestMethod().equalToString("HEAD")) {
      ex.endExchange();
    } else {
      ex.getResponseSender().send(ByteBuffer.wrap(body));
    }
  }

  static void json(HttpServerExchange ex, int status, String contentType, Object value) {
    try {
      bytes(ex, status, contentType, JSON.writeValueAsBytes(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
