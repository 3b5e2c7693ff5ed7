package org.airgap.redfish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The validator itself rejects what it must (so a passing response check means something). */
class RedfishSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void acceptsAMinimalSystemAndRejectsBadOnes() throws Exception {
    String ok =
        "{\"@odata.type\":\"#ComputerSystem.v1_27_0.ComputerSystem\","
            + "\"@odata.id\":\"/redfish/v1/Systems/a\",\"Id\":\"a\",\"Name\":\"a\","
            + "\"PowerState\":\"On\",\"Links\":{\"ManagedBy\":[{\"@odata.id\":\"/m\"}]}}";
    assertThat(RedfishSchemas.errors(JSON.readTree(ok))).isEmpty();
    assertThat(RedfishSchemas.errors(JSON.readTree(ok.replace("\"On\"", "\"Sideways\""))))
        .isNotEmpty();
    assertThat(RedfishSchemas.errors(JSON.readTree(ok.replace("\"Id\"", "\"Nope\"")))).isNotEmpty();
  }

  @Test
  void rejectsAnErrorWithoutCodeAndAServiceRootWithoutLinks() throws Exception {
    assertThat(RedfishSchemas.errors(JSON.readTree("{\"error\":{\"message\":\"x\"}}")))
        .isNotEmpty();
    assertThat(
            RedfishSchemas.errors(
                JSON.readTree(
                    "{\"@odata.type\":\"#ServiceRoot.v1_20_0.ServiceRoot\","
                        + "\"@odata.id\":\"/redfish/v1/\",\"Id\":\"r\",\"Name\":\"r\"}")))
        .isNotEmpty();
  }
}
