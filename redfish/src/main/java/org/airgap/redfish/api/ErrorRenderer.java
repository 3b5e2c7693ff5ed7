package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** Renders a {@link RedfishException} as Redfish's error body; the only place that does. */
public final class ErrorRenderer {
  private ErrorRenderer() {}

  public static Reply render(RedfishException e) {
    RedfishException.Problem first = e.problems().get(0);
    ObjectNode error = Json.object();
    error.put("code", first.error().messageId());
    error.put("message", first.message());
    ArrayNode infos = error.putArray("@Message.ExtendedInfo");
    for (RedfishException.Problem p : e.problems()) {
      ObjectNode m = infos.addObject();
      m.put("@odata.type", "#Message.v1_3_0.Message");
      m.put("MessageId", p.error().messageId());
      m.put("Message", p.message());
      m.set("MessageArgs", Json.strings(p.args()));
      if (!p.related().isEmpty()) {
        m.set("RelatedProperties", Json.strings(p.related()));
      }
      m.put("MessageSeverity", "Critical");
      m.put("Resolution", p.error().resolution());
    }
    ObjectNode body = Json.object();
    body.set("error", error);
    return new Reply(e.status(), Optional.of(body), java.util.Map.of(), false);
  }
}
