package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.DualWriter;
import io.dualwrite.spring.endpoint.DualWriteEndpoint;
import io.dualwrite.spring.metrics.DualWriteGauges;
import io.dualwrite.spring.metrics.DualWriteMirrorMetrics;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.Switchboard;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The endpoint, the meters and the health contributor in a running web application over two H2 stores, called over
 * HTTP as an operator would. Each test works on merchants (or a migration) of its own, so their order does not
 * matter; rows are checked in both stores with plain JDBC.
 */
@SpringBootTest(classes = OpsWebApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.autoconfigure.exclude=io.dualwrite.spring.boot.autoconfigure.DualWriteAutoConfiguration,"
                        + "org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration,"
                        + "org.mybatis.spring.boot.autoconfigure.MybatisLanguageDriverAutoConfiguration",
                "management.endpoints.web.exposure.include=dualwrite,health",
                "management.endpoint.health.show-details=always",
                "spring.datasource.url=jdbc:h2:mem:ops_web_old;DB_CLOSE_DELAY=-1",
                "spring.datasource.username=ops_owner",
                "spring.datasource.password=" + DualWriteEndpointWebTest.OLD_PASSWORD,
                "dualwrite.new-datasource.url=jdbc:h2:mem:ops_web_new;DB_CLOSE_DELAY=-1;USER=ops_new;PASSWORD="
                        + DualWriteEndpointWebTest.NEW_PASSWORD})
@ExtendWith(OutputCaptureExtension.class)
class DualWriteEndpointWebTest {

    static final String OLD_PASSWORD = "0ld-St0re-Secret";
    static final String NEW_PASSWORD = "N3w-St0re-Secret";

    @Autowired
    private TestRestTemplate rest;
    @Autowired
    private ObjectMapper json;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private OpsWebApplication.Stores stores;
    @Autowired
    private OpsWebApplication.Payments payments;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private ChangeLog changeLog;
    @Autowired
    private DualWriter writer;
    @Autowired
    private MeterRegistry registry;

    private TestRestTemplate operator() {
        return rest.withBasicAuth("operator", "operator-login");
    }

    private ResponseEntity<String> post(TestRestTemplate client, String migration, Map<String, Object> body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return client.postForEntity("/actuator/dualwrite/" + migration, new HttpEntity<>(body, headers), String.class);
    }

    private JsonNode read(ResponseEntity<String> response) throws Exception {
        return json.readTree(response.getBody());
    }

    private void insert(DataSource through, String table, long id, String merchant, int amount) throws SQLException {
        try (Connection connection = through.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                     + " (id, merchant_id, amount) VALUES (?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, merchant);
            insert.setInt(3, amount);
            insert.executeUpdate();
        }
    }

    /** The rows of a merchant as "id amount", by plain JDBC on one store. */
    private static List<String> rows(DataSource store, String table, String merchant) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = store.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, amount FROM " + table
                     + " WHERE merchant_id = ? ORDER BY id")) {
            select.setString(1, merchant);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getLong(1) + " " + result.getInt(2));
                }
            }
        }
        return rows;
    }

    private static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }

    @Test
    void readShowsSwitchesPinsBacklogVerificationAndBreakers() throws Exception {
        switchboard.switchStore().setMerchantPhase("orders", "m-read", MigrationPhase.DUAL_WRITE);
        insert(dataSource, "orders", 100, "m-read", 10);
        // a verification starts once every instance has seen the switch move (the refresh interval and a margin)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> switchboard.unsettledSwitch("orders", "m-read").isEmpty());
        Verifier.builder().oldDataSource(stores.oldStore()).newDataSource(stores.newStore())
                .changeLog(changeLog).dualWriter(writer).build()
                .verify(VerificationJob.builder("orders").table(OpsWebApplication.ORDERS).merchant("m-read").build());
        changeLog.record(new ChangeRecord("ledger", "ledger", "k-read", Operation.UPDATE, "timed-out", Store.NEW, null,
                null, Instant.now()));
        OrderPinStore pins = switchboard.orderPinStore().orElseThrow();
        pins.pinIfAbsent("ledger", "o-read", "m-read", MigrationPhase.DUAL_WRITE);

        ResponseEntity<String> response = operator().getForEntity("/actuator/dualwrite", String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode orders = read(response).at("/migrations/orders");
        assertThat(orders.at("/switches/system").asText()).isEqualTo("OLD_ONLY");
        assertThat(orders.at("/switches/merchants/m-read").asText()).isEqualTo("DUAL_WRITE");
        assertThat(orders.at("/breakers/new/state").asText()).isEqualTo("CLOSED");
        assertThat(orders.at("/breakers/old/state").asText()).isEqualTo("NOT_STARTED");
        assertThat(orders.at("/verification/runs").findValuesAsText("scope")).contains("merchant=m-read");
        JsonNode run = orders.at("/verification/runs").get(orders.at("/verification/runs").findValuesAsText("scope")
                .indexOf("merchant=m-read"));
        assertThat(run.get("status").asText()).isEqualTo("CLEAN");
        assertThat(run.get("table").asText()).isEqualToIgnoringCase("orders");
        JsonNode ledger = read(response).at("/migrations/ledger");
        assertThat(ledger.at("/backlog/byReason/timed-out").asLong()).isPositive();
        assertThat(ledger.at("/pins/byPhase/DUAL_WRITE").asLong()).isPositive();
        assertThat(ledger.at("/verification/status").asText()).isEqualTo("NEVER_RUN");

        JsonNode one = read(operator().getForEntity("/actuator/dualwrite/orders", String.class));
        assertThat(one.at("/switches/merchants/m-read").asText()).isEqualTo("DUAL_WRITE");
        assertThat(operator().getForEntity("/actuator/dualwrite/unknown", String.class).getStatusCode().value())
                .isEqualTo(404);
    }

    @Test
    void aMerchantFlippedThroughTheEndpointTakesTheNewRouteOnItsNextWriteWithoutRestart() throws Exception {
        insert(dataSource, "orders", 200, "m-flip", 20);
        assertThat(rows(stores.newStore(), "orders_v2", "m-flip")).as("OLD_ONLY: old store only").isEmpty();

        ResponseEntity<String> response = post(operator(), "orders",
                body("target", "merchant", "id", "m-flip", "phase", "DUAL_WRITE"));

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode change = read(response);
        assertThat(change.get("outcome").asText()).isEqualTo("applied");
        assertThat(change.get("from").asText()).isEqualTo("OLD_ONLY");
        assertThat(change.get("to").asText()).isEqualTo("DUAL_WRITE");

        insert(dataSource, "orders", 201, "m-flip", 21);
        insert(dataSource, "orders", 300, "m-other", 30);

        assertThat(rows(stores.oldStore(), "orders", "m-flip")).containsExactly("200 20", "201 21");
        assertThat(rows(stores.newStore(), "orders_v2", "m-flip")).containsExactly("201 21");
        assertThat(rows(stores.oldStore(), "orders", "m-other")).containsExactly("300 30");
        assertThat(rows(stores.newStore(), "orders_v2", "m-other")).as("other merchants stay OLD_ONLY").isEmpty();
    }

    @Test
    void aForwardMovePastDualWriteWithABacklogIsRefusedWithTheReasonAndForcedWithAnAuditLine(CapturedOutput output)
            throws Exception {
        changeLog.record(new ChangeRecord("ledger", "ledger", "k-gate", Operation.UPDATE, "failed", Store.NEW, null,
                null, Instant.now()));
        assertThat(post(operator(), "ledger", body("target", "merchant", "id", "m-gate", "phase", "DUAL_WRITE"))
                .getStatusCode().value()).as("up to DUAL_WRITE is not gated").isEqualTo(200);

        ResponseEntity<String> refused = post(operator(), "ledger",
                body("target", "merchant", "id", "m-gate", "phase", "SHADOW_READ"));

        assertThat(refused.getStatusCode().value()).isEqualTo(409);
        assertThat(read(refused).get("outcome").asText()).isEqualTo("refused");
        assertThat(read(refused).get("reason").asText()).startsWith("change-log backlog for 'ledger' is ")
                .endsWith("; it must be empty");
        assertThat(switchboard.merchantPhase("ledger", "m-gate").phase()).isEqualTo(MigrationPhase.DUAL_WRITE);

        ResponseEntity<String> forced = post(operator(), "ledger",
                body("target", "merchant", "id", "m-gate", "phase", "SHADOW_READ", "force", true));

        assertThat(forced.getStatusCode().value()).isEqualTo(200);
        assertThat(read(forced).get("forced").asBoolean()).isTrue();
        assertThat(switchboard.merchantPhase("ledger", "m-gate").phase()).isEqualTo(MigrationPhase.SHADOW_READ);
        List<String> audit = output.getAll().lines().filter(line -> line.contains(DualWriteEndpoint.AUDIT_LOGGER)
                && line.contains("id='m-gate'")).toList();
        assertThat(audit).hasSize(3);
        assertThat(audit.get(1)).contains("INFO").contains("dualwrite refused by 'operator': migration='ledger'"
                + " target='merchant' id='m-gate' from=DUAL_WRITE to=SHADOW_READ forced=false");
        assertThat(audit.get(2)).contains("WARN").contains("dualwrite applied by 'operator': migration='ledger'"
                + " target='merchant' id='m-gate' from=DUAL_WRITE to=SHADOW_READ forced=true reason='change-log backlog");
    }

    @Test
    void aPostWithoutTheWriteRoleIsRefusedAndChangesNothing() throws Exception {
        ResponseEntity<String> viewer = post(rest.withBasicAuth("viewer", "viewer-login"), "orders",
                body("target", "merchant", "id", "m-role", "phase", "DUAL_WRITE"));
        ResponseEntity<String> anonymous = post(rest, "orders",
                body("target", "merchant", "id", "m-role", "phase", "DUAL_WRITE"));

        assertThat(viewer.getStatusCode().value()).isEqualTo(403);
        assertThat(read(viewer).get("outcome").asText()).isEqualTo("forbidden");
        assertThat(anonymous.getStatusCode().value()).as("the application's security asks for credentials")
                .isEqualTo(401);
        assertThat(switchboard.merchantPhase("orders", "m-role").phase()).isEqualTo(MigrationPhase.OLD_ONLY);
        assertThat(rest.withBasicAuth("viewer", "viewer-login").getForEntity("/actuator/dualwrite", String.class)
                .getStatusCode().value()).as("reads follow the application's security").isEqualTo(200);
    }

    @Test
    void aBrokenNewStoreMovesTheMetersAndHealthStaysUpWithDetails() throws Exception {
        assertThat(post(operator(), "payments", body("target", "system", "phase", "DUAL_WRITE")).getStatusCode()
                .value()).isEqualTo(200);
        try (Connection connection = stores.newStore().getConnection()) {
            connection.createStatement().execute("DROP TABLE payments_v2");
        }

        for (int id = 1; id <= 3; id++) {
            insert(payments.dataSource(), "payments", id, "m-pay", id * 10);
        }

        assertThat(rows(stores.oldStore(), "payments", "m-pay")).as("the old store took every write")
                .containsExactly("1 10", "2 20", "3 30");
        assertThat(registry.get(DualWriteMirrorMetrics.OUTCOMES).tags("migration", "payments", "target", "new",
                "outcome", "failed").counter().count()).isEqualTo(2);
        assertThat(registry.get(DualWriteMirrorMetrics.OUTCOMES).tags("migration", "payments", "outcome",
                "breaker-open").counter().count()).isEqualTo(1);
        assertThat(registry.get(DualWriteGauges.BREAKER_STATE).tags("migration", "payments", "target", "new").gauge()
                .value()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(registry.get(DualWriteGauges.BACKLOG)
                .tags("migration", "payments").gauge().value()).isEqualTo(3));

        ResponseEntity<String> response = rest.getForEntity("/actuator/health", String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode health = read(response);
        assertThat(health.get("status").asText()).isEqualTo("UP");
        JsonNode dualwrite = health.at("/components/dualwrite");
        assertThat(dualwrite.get("status").asText()).isEqualTo("UP");
        assertThat(dualwrite.at("/details/degraded").asBoolean()).isTrue();
        assertThat(dualwrite.at("/details/migrations/payments/breakers/new").asText()).isEqualTo("OPEN");
        assertThat(dualwrite.at("/details/problems").toString()).contains(
                "the circuit breaker of the mirrors of 'payments' to the new store is OPEN");
        JsonNode report = read(operator().getForEntity("/actuator/dualwrite/payments", String.class));
        assertThat(report.at("/breakers/new/state").asText()).isEqualTo("OPEN");
        assertThat(report.at("/backlog/total").asLong()).isEqualTo(3);
    }

    @Test
    void noPasswordOrCredentialBearingUrlReachesAnyOutputOrLogLine(CapturedOutput output) throws Exception {
        List<String> bodies = new ArrayList<>();
        bodies.add(operator().getForEntity("/actuator/dualwrite", String.class).getBody());
        bodies.add(rest.getForEntity("/actuator/health", String.class).getBody());
        bodies.add(post(operator(), "orders", body("target", "merchant", "id", "m-secret", "phase", "NEW_ONLY"))
                .getBody());
        bodies.add(post(operator(), "nowhere", body("target", "system", "phase", "DUAL_WRITE")).getBody());
        bodies.add(post(operator(), "orders", body("target", "system", "phase", "password=" + OLD_PASSWORD))
                .getBody());

        assertThat(output.getAll()).as("the application's start-up is in the captured output").contains("Started");
        for (String text : concat(bodies, output.getAll())) {
            assertThat(text).doesNotContain(OLD_PASSWORD).doesNotContain(NEW_PASSWORD)
                    .doesNotContainIgnoringCase(";PASSWORD=N");
        }
    }

    private static List<String> concat(List<String> bodies, String log) {
        List<String> all = new ArrayList<>(bodies);
        all.add(log);
        return all;
    }
}
