package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** {@code /redfish} (the version document) and {@code /redfish/v1/} (the service root). */
public final class ServiceRootHandler {
  public static final String ROOT = "/redfish/v1/";
  static final UUID SERVICE_UUID = UUID.nameUUIDFromBytes("airgap redfish service".getBytes());

  public Reply versions(Call call) {
    return Reply.ok(Json.object().put("v1", ROOT));
  }

  public Reply root(Call call) {
    ObjectNode n =
        Json.resource(
            "#ServiceRoot.v1_20_0.ServiceRoot", ROOT, "RootService", "airgap Redfish service");
    n.put("RedfishVersion", "1.20.0");
    n.put("UUID", SERVICE_UUID.toString());
    n.put("Vendor", "airgap");
    n.put("Product", "airgap Redfish BMC facade");
    n.set("Systems", Json.link(Paths.SYSTEMS));
    n.set("Managers", Json.link(Paths.MANAGERS));
    n.set("SessionService", Json.link(Paths.SESSION_SERVICE));
    n.putObject("Links").set("Sessions", Json.link(Paths.SESSIONS));
    return Reply.resource(n);
  }
}
