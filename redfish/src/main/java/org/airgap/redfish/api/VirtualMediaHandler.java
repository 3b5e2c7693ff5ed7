package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.airgap.redfish.driver.Feature;
import org.airgap.redfish.driver.Machine;
import org.airgap.redfish.driver.MachineState;
import org.airgap.redfish.driver.MediaImage;
import org.airgap.redfish.driver.UnsupportedFeatureException;
import org.airgap.websrv.download.DownloadException;

/**
 * VirtualMedia under a Manager ({@code /Managers/<name>/VirtualMedia}, where sushy and older
 * clients look) and under a System ({@code /Systems/<name>/VirtualMedia}): two views of one drive.
 * One member, {@code Cd} (MediaTypes CD, DVD), with InsertMedia and EjectMedia.
 *
 * <p>Inserting over an inserted image: the same image again is a no-op success; a different one is
 * 409 {@code ResourceInUse} (eject first). Ironic always ejects before inserting, and a silent
 * replace would hide a second controller fighting over the same machine.
 */
public final class VirtualMediaHandler {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(VirtualMediaHandler.class);

  /** Where the view hangs. */
  public enum Parent {
    SYSTEM,
    MANAGER
  }

  static final String MEMBER = "Cd";
  private static final String INSERT = "#VirtualMedia.InsertMedia";
  private static final String EJECT = "#VirtualMedia.EjectMedia";
  private static final List<String> PROTOCOLS = List.of("HTTP", "HTTPS");
  private static final Set<String> INSERT_PARAMS =
      Set.of(
          "Image",
          "Inserted",
          "WriteProtected",
          "TransferProtocolType",
          "TransferMethod",
          "UserName",
          "Password");

  private final Machines machines;
  private final Parent parent;

  public VirtualMediaHandler(Machines machines, Parent parent) {
    this.machines = machines;
    this.parent = parent;
  }

  private Machine machine(Call call) {
    Machine m =
        parent == Parent.SYSTEM
            ? machines.resolve(call.param("system"), "ComputerSystem")
            : machines.resolve(call.param("manager"), "Manager");
    if (!machines.driver().features().contains(Feature.VIRTUAL_MEDIA)) {
      throw new UnsupportedFeatureException(machines.driver().name(), Feature.VIRTUAL_MEDIA);
    }
    return m;
  }

  private String base(Machine m) {
    return (parent == Parent.SYSTEM ? Paths.system(m.name()) : Paths.manager(m.name()))
        + "/VirtualMedia";
  }

  private void member(Call call) {
    if (!call.param("media").equals(MEMBER)) {
      throw new RedfishException(
          RedfishError.RESOURCE_NOT_FOUND, "VirtualMedia", call.param("media"));
    }
  }

  public Reply collection(Call call) {
    Machine m = machine(call);
    return Reply.ok(
        Json.collection(
            "#VirtualMediaCollection.VirtualMediaCollection",
            base(m),
            "Virtual Media Services",
            List.of(base(m) + "/" + MEMBER)));
  }

  public Reply get(Call call) {
    Machine m = machine(call);
    member(call);
    return Reply.resource(render(m, machines.driver().state(m)));
  }

  public Reply insert(Call call) {
    Machine m = machine(call);
    member(call);
    JsonNode body = Actions.object(call.json());
    Actions.rejectUnknown(body, INSERT, INSERT_PARAMS);
    String image = Actions.requiredString(body, "Image", INSERT);
    boolean inserted = Actions.optionalBoolean(body, "Inserted", INSERT).orElse(true);
    boolean writeProtected = Actions.optionalBoolean(body, "WriteProtected", INSERT).orElse(true);
    Optional<String> protocol = Actions.optionalString(body, "TransferProtocolType", INSERT);
    Optional<String> method = Actions.optionalString(body, "TransferMethod", INSERT);
    Optional<String> user = Actions.optionalString(body, "UserName", INSERT);
    Optional<String> password = Actions.optionalString(body, "Password", INSERT);
    if (!inserted) {
      throw notSupported("false", "Inserted");
    }
    if (protocol.isPresent() && !PROTOCOLS.contains(protocol.get())) {
      throw notSupported(protocol.get(), "TransferProtocolType");
    }
    if (method.isPresent() && !List.of("Stream", "Upload").contains(method.get())) {
      throw notSupported(method.get(), "TransferMethod");
    }
    MediaImage media;
    try {
      media = new MediaImage(new URI(image), writeProtected, user, password);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw formatError(image, "Image");
    }
    if (protocol.isPresent() && !protocol.get().equals(media.protocol())) {
      throw formatError(image, "Image");
    }
    return machines.locked(
        m,
        () -> {
          MachineState s = machines.driver().state(m);
          if (s.media().isPresent()) {
            if (s.media().get().image().equals(media.image())) {
              return Reply.noContent();
            }
            throw new RedfishException(
                RedfishError.RESOURCE_IN_USE,
                "virtual CD of " + m.name(),
                s.media().get().image() + " is inserted");
          }
          try {
            machines.driver().insertMedia(m, media);
          } catch (DownloadException e) {
            LOG.warn("redfish: InsertMedia on {}: {}", m.name(), e.getMessage());
            throw fetchFailed(media.image().toString(), e);
          }
          return Reply.noContent();
        });
  }

  /**
   * The image of an InsertMedia could not be fetched: the client's URL or credentials are wrong, or
   * the image server is unreachable. Each is the client's to fix, so a 400 that says which; a
   * failure to write on this side stays a 500.
   */
  static RedfishException fetchFailed(String url, DownloadException e) {
    String message = String.valueOf(e.getMessage());
    String reason = message.startsWith(url + ": ") ? message.substring(url.length() + 2) : message;
    int status = e.status().orElse(0);
    return switch (e.kind()) {
      case HTTP_STATUS ->
          status == 401 || status == 403
              ? new RedfishException(RedfishError.MEDIA_UNAUTHORIZED, url, reason)
              : status != 0
                  ? new RedfishException(RedfishError.MEDIA_REFUSED, url, reason)
                  : new RedfishException(RedfishError.MEDIA_UNREACHABLE, url, reason);
      case GAVE_UP, CHECKSUM_MISMATCH ->
          new RedfishException(RedfishError.MEDIA_UNREACHABLE, url, reason);
      case LOCAL_IO -> throw e;
    };
  }

  /** EjectMedia; takes no parameters (an empty body or {@code {}}). */
  public Reply eject(Call call) {
    Machine m = machine(call);
    member(call);
    if (call.body().length > 0) {
      JsonNode body = Actions.object(call.json());
      Actions.rejectUnknown(body, EJECT, Set.of());
    }
    return machines.locked(
        m,
        () -> {
          machines.driver().ejectMedia(m);
          return Reply.noContent();
        });
  }

  ObjectNode render(Machine m, MachineState s) {
    String path = base(m) + "/" + MEMBER;
    ObjectNode n = Json.resource("#VirtualMedia.v1_6_5.VirtualMedia", path, MEMBER, "Virtual CD");
    n.set("MediaTypes", Json.strings(List.of("CD", "DVD")));
    Optional<MediaImage> media = s.media();
    if (media.isPresent()) {
      MediaImage i = media.get();
      n.put("Image", i.image().toString());
      n.put("ImageName", i.name());
      n.put("Inserted", true);
      n.put("WriteProtected", i.writeProtected());
      n.put("ConnectedVia", "URI");
      n.put("TransferProtocolType", i.protocol());
      if (i.user().isPresent()) {
        n.put("UserName", i.user().get());
      }
    } else {
      n.putNull("Image");
      n.putNull("ImageName");
      n.put("Inserted", false);
      n.put("WriteProtected", true);
      n.put("ConnectedVia", "NotConnected");
    }
    n.putNull("Password");
    n.putObject("Status").put("State", "Enabled").put("Health", "OK");
    ObjectNode actions = n.putObject("Actions");
    ObjectNode insert = actions.putObject(INSERT);
    insert.put("target", path + "/Actions/VirtualMedia.InsertMedia");
    insert.set("TransferProtocolType@Redfish.AllowableValues", Json.strings(PROTOCOLS));
    actions.putObject(EJECT).put("target", path + "/Actions/VirtualMedia.EjectMedia");
    return n;
  }

  private static RedfishException notSupported(String value, String param) {
    return new RedfishException(
        List.of(
            RedfishException.property(
                RedfishError.ACTION_PARAMETER_NOT_SUPPORTED, "/" + param, value, param, INSERT)));
  }

  private static RedfishException formatError(String value, String param) {
    return new RedfishException(
        List.of(
            RedfishException.property(
                RedfishError.ACTION_PARAMETER_VALUE_FORMAT_ERROR,
                "/" + param,
                value,
                param,
                INSERT)));
  }
}
