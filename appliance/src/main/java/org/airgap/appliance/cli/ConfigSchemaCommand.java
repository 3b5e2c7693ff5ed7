package org.airgap.appliance.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.concurrent.Callable;
import org.airgap.appliance.config.ConfigSchema;
import picocli.CommandLine.Command;

/** {@code airgap config-schema}: prints the config's JSON Schema. */
@Command(name = "config-schema", description = "Print the JSON Schema of airgap.yaml.")
public final class ConfigSchemaCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    System.out.println(
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(ConfigSchema.generate()));
    return 0;
  }
}
