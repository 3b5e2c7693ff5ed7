package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.airgap.redfish.driver.Boot;
import org.airgap.redfish.driver.Feature;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineState;
import org.airgap.redfish.driver.ResetType;

/**
 * Systems: the collection, one ComputerSystem (by name, UUID or {@code local/<name>}, always with
 * the canonical {@code @odata.id} {@code /redfish/v1/Systems/<name>}), its boot override PATCH, the
 * Reset action and the SecureBoot resource.
 */
public final class SystemsHandler {
  static final String TYPE = "#ComputerSystem.v1_27_0.ComputerSystem";
  private static final String RESET = "#ComputerSystem.Reset";
  private static final Set<String> BOOT_WRITABLE =
      Set.of("BootSourceOverrideTarget", "BootSourceOverrideEnabled", "BootSourceOverrideMode");

  private final Machines machines;

  public SystemsHandler(Machines machines) {
    this.machines = machines;
  }

  public Reply collection(Call call) {
    List<String> paths = new ArrayList<>();
    machines.driver().machines().forEach(m -> paths.add(Paths.system(m.name())));
    return Reply.ok(
        Json.collection(
            "#ComputerSystemCollection.ComputerSystemCollection",
            Paths.SYSTEMS,
            "Computer System Collection",
            paths));
  }

  public Reply get(Call call) {
    Machine m = machines.resolve(call.param("system"), "ComputerSystem");
    return Reply.resource(render(machines.driver().state(m)));
  }

  /** PATCH: only {@code Boot.BootSourceOverride*} is writable; honours If-Match. */
  public Reply patch(Call call) {
    Machine m = machines.resolve(call.param("system"), "ComputerSystem");
    JsonNode body = call.json();
    return machines.locked(
        m,
        () -> {
          MachineState state = machines.driver().state(m);
          ObjectNode current = render(state);
          Etags.checkIfMatch(call.header("if-match"), current);
          Boot boot = parseBoot(body, current, state.boot());
          machines.driver().setBoot(m, boot);
          return Reply.resource(render(machines.driver().state(m)));
        });
  }

  private Boot parseBoot(JsonNode body, ObjectNode current, Boot was) {
    if (!body.isObject()) {
      throw new RedfishException(RedfishError.UNRECOGNIZED_REQUEST_BODY);
    }
    List<RedfishException.Problem> problems = new ArrayList<>();
    Boot.Target target = was.target();
    Boot.Enabled enabled = was.enabled();
    Boot.Mode mode = was.mode();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (!key.equals("Boot")) {
        problems.add(notWritable(current, "/" + key, key));
        continue;
      }
      if (!e.getValue().isObject()) {
        problems.add(
            RedfishException.property(
                RedfishError.PROPERTY_VALUE_TYPE_ERROR, "/Boot", e.getValue().toString(), "Boot"));
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> b = e.getValue().fields(); b.hasNext(); ) {
        Map.Entry<String, JsonNode> f = b.next();
        String name = f.getKey();
        String pointer = "/Boot/" + name;
        JsonNode v = f.getValue();
        if (!BOOT_WRITABLE.contains(name)) {
          problems.add(notWritable(current.path("Boot"), "/" + name, "Boot/" + name));
          continue;
        }
        if (!v.isTextual()) {
          problems.add(
              RedfishException.property(
                  RedfishError.PROPERTY_VALUE_TYPE_ERROR, pointer, v.toString(), name));
          continue;
        }
        String s = v.asText();
        switch (name) {
          case "BootSourceOverrideTarget" -> {
            Optional<Boot.Target> t =
                Boot.Target.parse(s).filter(machines.driver().bootTargets()::contains);
            if (t.isPresent()) {
              target = t.get();
            } else {
              problems.add(notInList(pointer, s, name));
            }
          }
          case "BootSourceOverrideEnabled" -> {
            Optional<Boot.Enabled> x = Boot.Enabled.parse(s);
            if (x.isPresent()) {
              enabled = x.get();
            } else {
              problems.add(notInList(pointer, s, name));
            }
          }
          default -> {
            Optional<Boot.Mode> x = Boot.Mode.parse(s);
            if (x.isPresent()) {
              mode = x.get();
            } else {
              problems.add(notInList(pointer, s, name));
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new RedfishException(problems);
    }
    return new Boot(target, enabled, mode);
  }

  private static RedfishException.Problem notInList(String pointer, String value, String name) {
    return RedfishException.property(RedfishError.PROPERTY_VALUE_NOT_IN_LIST, pointer, value, name);
  }

  /** Read-only when the resource has the property, unknown otherwise. */
  private static RedfishException.Problem notWritable(JsonNode within, String key, String shown) {
    String name = key.substring(1);
    String pointer = "/" + shown;
    return within.has(name)
        ? RedfishException.property(RedfishError.PROPERTY_NOT_WRITABLE, pointer, shown)
        : RedfishException.property(RedfishError.PROPERTY_UNKNOWN, pointer, shown);
  }

  /** {@code POST …/Actions/ComputerSystem.Reset} with {@code ResetType}. */
  public Reply reset(Call call) {
    Machine m = machines.resolve(call.param("system"), "ComputerSystem");
    JsonNode body = call.json();
    String type = Actions.requiredString(body, "ResetType", RESET);
    Actions.rejectUnknown(body, RESET, Set.of("ResetType"));
    Set<ResetType> allowed = machines.driver().resetTypes();
    ResetType t =
        ResetType.parse(type)
            .filter(allowed::contains)
            .orElseThrow(
                () ->
                    new RedfishException(
                        List.of(
                            RedfishException.property(
                                RedfishError.ACTION_PARAMETER_NOT_SUPPORTED,
                                "/ResetType",
                                type,
                                "ResetType",
                                RESET))));
    machines.driver().reset(m, t);
    return Reply.noContent();
  }

  /** {@code …/SecureBoot}. */
  public Reply secureBoot(Call call) {
    Machine m = machines.resolve(call.param("system"), "ComputerSystem");
    return Reply.resource(renderSecureBoot(m, machines.driver().state(m)));
  }

  /** PATCH {@code SecureBootEnable}; 501 when the backend has no secure boot. */
  public Reply patchSecureBoot(Call call) {
    Machine m = machines.resolve(call.param("system"), "ComputerSystem");
    JsonNode body = call.json();
    if (!body.isObject()) {
      throw new RedfishException(RedfishError.UNRECOGNIZED_REQUEST_BODY);
    }
    return machines.locked(
        m,
        () -> {
          ObjectNode current = renderSecureBoot(m, machines.driver().state(m));
          Etags.checkIfMatch(call.header("if-match"), current);
          List<RedfishException.Problem> problems = new ArrayList<>();
          Optional<Boolean> enable = Optional.empty();
          for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode v = body.get(k);
            if (!k.equals("SecureBootEnable")) {
              problems.add(notWritable(current, "/" + k, k));
            } else if (!v.isBoolean()) {
              problems.add(
                  RedfishException.property(
                      RedfishError.PROPERTY_VALUE_TYPE_ERROR, "/" + k, v.toString(), k));
            } else {
              enable = Optional.of(v.asBoolean());
            }
          }
          if (!problems.isEmpty()) {
            throw new RedfishException(problems);
          }
          enable.ifPresent(e -> machines.driver().setSecureBoot(m, e));
          return Reply.resource(renderSecureBoot(m, machines.driver().state(m)));
        });
  }

  ObjectNode renderSecureBoot(Machine m, MachineState s) {
    String path = Paths.system(m.name()) + "/SecureBoot";
    ObjectNode n =
        Json.resource("#SecureBoot.v1_1_2.SecureBoot", path, "SecureBoot", "UEFI Secure Boot");
    if (s.secureBoot().isEmpty()) {
      n.put("SecureBootEnable", false);
      n.put("SecureBootCurrentBoot", "Disabled");
      n.put("Description", "The " + machines.driver().name() + " backend has no secure boot.");
      return n;
    }
    boolean on = s.secureBoot().get();
    n.put("SecureBootEnable", on);
    n.put("SecureBootCurrentBoot", on ? "Enabled" : "Disabled");
    n.put("SecureBootMode", "DeployedMode");
    return n;
  }

  ObjectNode render(MachineState s) {
    Machine m = s.machine();
    String path = Paths.system(m.name());
    Set<Feature> features = machines.driver().features();
    ObjectNode n = Json.resource(TYPE, path, m.name(), m.name());
    n.put("UUID", m.uuid().toString());
    n.put("SystemType", "Virtual");
    n.put("Manufacturer", "airgap");
    n.put("Model", machines.driver().name() + " machine");
    n.put("PowerState", s.power().redfish());
    n.putObject("Status").put("State", "Enabled").put("Health", "OK");
    ObjectNode boot = n.putObject("Boot");
    boot.put("BootSourceOverrideTarget", s.boot().target().redfish());
    ArrayNode targets = boot.putArray("BootSourceOverrideTarget@Redfish.AllowableValues");
    machines.driver().bootTargets().stream().sorted().forEach(t -> targets.add(t.redfish()));
    boot.put("BootSourceOverrideEnabled", s.boot().enabled().redfish());
    ArrayNode enabled = boot.putArray("BootSourceOverrideEnabled@Redfish.AllowableValues");
    for (Boot.Enabled e : Boot.Enabled.values()) {
      enabled.add(e.redfish());
    }
    boot.put("BootSourceOverrideMode", s.boot().mode().redfish());
    ArrayNode modes = boot.putArray("BootSourceOverrideMode@Redfish.AllowableValues");
    for (Boot.Mode x : Boot.Mode.values()) {
      modes.add(x.redfish());
    }
    if (features.contains(Feature.SECURE_BOOT)) {
      n.set("SecureBoot", Json.link(path + "/SecureBoot"));
    }
    if (features.contains(Feature.VIRTUAL_MEDIA)) {
      n.set("VirtualMedia", Json.link(path + "/VirtualMedia"));
    }
    ObjectNode links = n.putObject("Links");
    links.putArray("ManagedBy").add(Json.link(Paths.manager(m.name())));
    links.put("ManagedBy@odata.count", 1);
    ObjectNode reset = n.putObject("Actions").putObject(RESET);
    reset.put("target", path + "/Actions/ComputerSystem.Reset");
    ArrayNode types = reset.putArray("ResetType@Redfish.AllowableValues");
    machines.driver().resetTypes().stream().sorted().forEach(t -> types.add(t.redfish()));
    return n;
  }
}
