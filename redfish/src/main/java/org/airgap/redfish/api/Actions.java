package org.airgap.redfish.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parameter checks shared by the actions (Reset, InsertMedia, EjectMedia). */
final class Actions {
  private Actions() {}

  static JsonNode object(JsonNode body) {
    if (!body.isObject()) {
      throw new RedfishException(RedfishError.UNRECOGNIZED_REQUEST_BODY);
    }
    return body;
  }

  static String requiredString(JsonNode body, String param, String action) {
    object(body);
    JsonNode v = body.get(param);
    if (v == null || v.isNull()) {
      throw new RedfishException(
          List.of(
              RedfishException.property(
                  RedfishError.ACTION_PARAMETER_MISSING, "/" + param, action, param)));
    }
    if (!v.isTextual()) {
      throw typeError(v, param, action);
    }
    return v.asText();
  }

  static Optional<String> optionalString(JsonNode body, String param, String action) {
    JsonNode v = body.get(param);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw typeError(v, param, action);
    }
    return Optional.of(v.asText());
  }

  static Optional<Boolean> optionalBoolean(JsonNode body, String param, String action) {
    JsonNode v = body.get(param);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw typeError(v, param, action);
    }
    return Optional.of(v.asBoolean());
  }

  static void rejectUnknown(JsonNode body, String action, Set<String> known) {
    List<RedfishException.Problem> problems = new ArrayList<>();
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        problems.add(
            RedfishException.property(RedfishError.ACTION_PARAMETER_UNKNOWN, "/" + k, action, k));
      }
    }
    if (!problems.isEmpty()) {
      throw new RedfishException(problems);
    }
  }

  private static RedfishException typeError(JsonNode v, String param, String action) {
    return new RedfishException(
        List.of(
            RedfishException.property(
                RedfishError.ACTION_PARAMETER_VALUE_TYPE_ERROR,
                "/" + param,
                v.toString(),
                param,
                action)));
  }
}
