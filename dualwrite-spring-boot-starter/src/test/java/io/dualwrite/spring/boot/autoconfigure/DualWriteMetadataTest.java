package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the annotation processor generated (merged with the additional hints) is on the
 * class path, as it will be in the jar, and documents every {@code dualwrite.*} property for IDEs.
 */
class DualWriteMetadataTest {

    @Test
    void everyDualwritePropertyHasADescription() throws IOException {
        List<JsonNode> properties = dualwrite("properties");
        assertThat(properties).extracting(property -> property.get("name").asText())
                .contains("dualwrite.enabled", "dualwrite.new-datasource.url", "dualwrite.new-datasource.hikari",
                        "dualwrite.migrations", "dualwrite.jdbc.migration", "dualwrite.stores.create-schema",
                        "dualwrite.mirror.breaker.slow-call-duration-threshold", "dualwrite.reconciler.interval",
                        "dualwrite.mybatis.statements", "dualwrite.endpoint.write-role");
        assertThat(properties).allSatisfy(property -> assertThat(property.path("description").asText())
                .as("description of %s", property.get("name").asText()).isNotBlank());
    }

    @Test
    void phaseAndStoreValuesCarryHints() throws IOException {
        assertThat(dualwrite("hints")).extracting(hint -> hint.get("name").asText())
                .contains("dualwrite.jdbc.no-context-phase", "dualwrite.stores.change-log", "dualwrite.mirror.mode",
                        "dualwrite.new-datasource.hikari.keys");
    }

    /** The entries named {@code dualwrite.*} of every metadata file on the class path. */
    private static List<JsonNode> dualwrite(String section) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (URL url : Collections.list(DualWriteMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                json.readTree(in).path(section).forEach(entry -> {
                    if (entry.path("name").asText().startsWith("dualwrite.")) {
                        found.add(entry);
                    }
                });
            }
        }
        assertThat(found).as("dualwrite %s in the generated metadata", section).isNotEmpty();
        return found;
    }
}
