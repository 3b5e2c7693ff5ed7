package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.airgap.redfish.driver.Feature;
import org.airgap.redfish.driver.Machine;

/** Managers: one BMC per system, with the same Id as its system. */
public final class ManagersHandler {
  private final Machines machines;

  public ManagersHandler(Machines machines) {
    this.machines = machines;
  }

  public Reply collection(Call call) {
    List<String> paths = new ArrayList<>();
    machines.driver().machines().forEach(m -> paths.add(Paths.manager(m.name())));
    return Reply.ok(
        Json.collection(
            "#ManagerCollection.ManagerCollection", Paths.MANAGERS, "Manager Collection", paths));
  }

  public Reply get(Call call) {
    Machine m = machines.resolve(call.param("manager"), "Manager");
    String path = Paths.manager(m.name());
    ObjectNode n = Json.resource("#Manager.v1_24_0.Manager", path, m.name(), "BMC of " + m.name());
    n.put("ManagerType", "BMC");
    n.put(
        "UUID",
        UUID.nameUUIDFromBytes(("manager " + m.uuid()).getBytes(StandardCharsets.UTF_8))
            .toString());
    n.put("Model", "airgap Redfish facade (" + machines.driver().name() + ")");
    n.put("PowerState", "On");
    n.putObject("Status").put("State", "Enabled").put("Health", "OK");
    if (machines.driver().features().contains(Feature.VIRTUAL_MEDIA)) {
      n.set("VirtualMedia", Json.link(path + "/VirtualMedia"));
    }
    ObjectNode links = n.putObject("Links");
    links.putArray("ManagerForServers").add(Json.link(Paths.system(m.name())));
    links.put("ManagerForServers@odata.count", 1);
    return Reply.resource(n);
  }
}
