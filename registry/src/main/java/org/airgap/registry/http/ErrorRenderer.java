package org.airgap.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.airgap.registry.api.ErrorCode;
import org.airgap.registry.api.RegistryException;
import org.xnio.IoUtils;

/**
 * The one place that writes error responses: {@code {"errors":[{"code","message","detail"}]}} with
 * the code's status, the headers the error carries, and the Basic challenge on 401. HEAD gets the
 * status and headers without a body. If the response has already started there is no way to report
 * an error: the connection is closed so the client sees a truncated body, not a wrong one.
 *
 * <p>An error often comes before the request body was read (a bad header, no credentials). The body
 * is drained first when it is small; otherwise the reply says {@code Connection: close} and the
 * connection ends after it, so that a keep-alive client never reuses a connection that still holds
 * the unread rest of a body, nor one the server is about to close. Such a reply is written and
 * flushed first, then the connection lingers reading the rest of the body, so that closing it does
 * not reset the reply away ({@link RequestBodies}).
 */
public final class ErrorRenderer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String realm;

  public ErrorRenderer(String realm) {
    this.realm = realm;
  }

  public void render(HttpServerExchange ex, RegistryException e) {
    if (ex.isResponseStarted()) {
      IoUtils.safeClose(ex.getConnection());
      return;
    }
    ErrorCode code = e.code();
    boolean keepAlive = RequestBodies.drainBeforeReply(ex);
    ex.setStatusCode(e.status());
    ex.getResponseHeaders().clear();
    if (!keepAlive) {
      ex.getResponseHeaders().put(Headers.CONNECTION, "close");
    }
    e.headers().forEach((k, v) -> ex.getResponseHeaders().put(HttpString.tryFromString(k), v));
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
    ex.getResponseHeaders().put(new HttpString("Docker-Distribution-API-Version"), "registry/2.0");
    if (code == ErrorCode.UNAUTHORIZED) {
      ex.getResponseHeaders()
          .put(Headers.WWW_AUTHENTICATE, "Basic realm=\"" + realm.replace("\"", "") + "\"");
    }
    byte[] body = body(e);
    ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    boolean head = ex.getRequestMethod().equalToString("HEAD");
    if (!keepAlive && RequestBodies.shouldLinger(ex)) {
      replyThenLinger(ex, head ? new byte[0] : body);
    } else if (head) {
      ex.endExchange();
    } else {
      ex.getResponseSender().send(ByteBuffer.wrap(body));
    }
  }

  private static void replyThenLinger(HttpServerExchange ex, byte[] body) {
    try {
      if (!ex.isBlocking()) {
        ex.startBlocking();
      }
      OutputStream out = ex.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IOException e) {
      IoUtils.safeClose(ex.getConnection());
      return;
    }
    RequestBodies.linger(ex);
    ex.endExchange();
  }

  static byte[] body(RegistryException e) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode errors = root.putArray("errors");
    ObjectNode one = errors.addObject();
    one.put("code", e.code().name());
    one.put("message", e.text());
    e.detail()
        .ifPresentOrElse(d -> one.set("detail", JSON.valueToTree(d)), () -> one.putNull("detail"));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
      throw new IllegalStateException(x);
    }
  }
}
