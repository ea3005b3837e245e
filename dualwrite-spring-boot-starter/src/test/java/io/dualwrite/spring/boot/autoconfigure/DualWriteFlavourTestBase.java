package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.spring.endpoint.DualWriteEndpoint;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.annotation.Transactional;

/**
 * One flavour of application per subclass, run whole: a web application on two real databases whose every
 * dualwrite bean comes from the starter's auto-configuration and {@code dualwrite.*} properties, with a repository
 * whose write methods carry {@code @DualWrite} and {@code @Transactional}, the endpoint exposed behind Spring
 * Security ({@code operator} holds the write role) and called over HTTP as an operator would. The databases' users
 * have passwords (the new store's is also in its URL), and no log line or endpoint answer may show them. The
 * table mapping names no merchant column, so a write's merchant is known only from the call: {@code @MerchantId}
 * of a {@code @DualWrite} method, or the MyBatis parameter object through {@code dualwrite.mybatis.*}.
 *
 * <p>Each test works on merchants and ids of its own; the tests that break the new store (rename its table away)
 * put it back and wait for the reconciler to drain the change log, so the order of the tests does not matter
 * (the secrets test runs last only so that it also sees the output of the others). Every test that writes ends by
 * comparing the stores row by row with plain JDBC on pools dualwrite does not know.
 */
@SpringBootTest(classes = DualWriteFlavourTestBase.FlavourApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
                "management.endpoints.web.exposure.include=dualwrite,health,metrics",
                "management.endpoint.health.show-details=always",
                "dualwrite.stores.switches=jdbc",
                "dualwrite.stores.pins=jdbc",
                "dualwrite.stores.change-log=jdbc",
                "dualwrite.stores.create-schema=true",
                "dualwrite.jdbc.validate-mappings=true",
                "dualwrite.migrations.orders.merchants.m-dual=DUAL_WRITE",
                "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                "dualwrite.mybatis.merchant-id-paths=merchantNo",
                "dualwrite.mirror.warn-interval=0s",
                // a small breaker, so a broken new store opens it after a few mirrors
                "dualwrite.mirror.breaker.window-size=4",
                "dualwrite.mirror.breaker.wait-in-open-state=2s",
                // a reconciler that retries often and never gives up while a test has the new store broken
                "dualwrite.reconciler.interval=200ms",
                "dualwrite.reconciler.initial-backoff=100ms",
                "dualwrite.reconciler.max-backoff=500ms",
                "dualwrite.reconciler.max-attempts=100000",
                "logging.level.io.dualwrite=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DualWriteFlavourTestBase {

    static final String OLD_PASSWORD = "Fl4vour-0ld-Pw";
    static final String NEW_PASSWORD = "Fl4vour-N3w-Pw";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicLong IDS = new AtomicLong();

    @Autowired
    private ApplicationContext context;
    @Autowired
    private TestRestTemplate rest;
    @Autowired
    private ObjectMapper json;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private ChangeLog changeLog;

    /**
     * Gives both databases a user with a password, creates the old table {@code orders} and the new one
     * {@code orders_v2} (its amount column named {@code newAmount}, mapped by a rename when it differs), and points
     * the application's DataSource and dualwrite's new store at them: the old store's password as a property, the
     * new store's both as a property and in its URL.
     */
    static void register(DynamicPropertyRegistry registry, TestDatabase oldStore, TestDatabase newStore,
            String newAmount) {
        String oldUser = withUser(oldStore, OLD_PASSWORD);
        String newUser = withUser(newStore, NEW_PASSWORD);
        oldStore.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(40), status VARCHAR(20),"
                + " amount DECIMAL(12,2))");
        newStore.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(40), status VARCHAR(20), "
                + newAmount + " DECIMAL(12,2))");
        grant(oldStore, oldUser);
        grant(newStore, newUser);
        String oldUrl = urlWithoutUser(oldStore);
        String newUrl = urlWithoutUser(newStore);
        registry.add("spring.datasource.url", () -> oldUrl);
        registry.add("spring.datasource.username", () -> oldUser);
        registry.add("spring.datasource.password", () -> OLD_PASSWORD);
        registry.add("dualwrite.new-datasource.url",
                () -> newUrl + (newUrl.contains("?") ? "&" : "?") + "password=" + NEW_PASSWORD);
        registry.add("dualwrite.new-datasource.username", () -> newUser);
        registry.add("dualwrite.new-datasource.password", () -> NEW_PASSWORD);
        if (!newAmount.equals("amount")) {
            registry.add("dualwrite.migrations.orders.tables.orders.renames.amount", () -> newAmount);
        }
    }

    /**
     * On PostgreSQL a role of the application's with the password (the embedded server trusts local connections,
     * so the password is sent but not checked); the embedded MariaDB runs without grant tables, so there the
     * application is root and its password is sent and ignored.
     */
    private static String withUser(TestDatabase database, String password) {
        if (database.kind() != TestDatabases.Kind.POSTGRES) {
            return database.pool().getUsername();
        }
        String user = "app_" + database.name();
        database.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'",
                "ALTER DATABASE " + database.name() + " OWNER TO " + user);
        return user;
    }

    private static void grant(TestDatabase database, String user) {
        if (database.kind() == TestDatabases.Kind.POSTGRES) {
            database.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + user);
        }
    }

    private static String urlWithoutUser(TestDatabase database) {
        String url = database.pool().getJdbcUrl();
        // embedded PostgreSQL's URL names its superuser as a parameter; the application connects as its own user
        return database.kind() == TestDatabases.Kind.POSTGRES ? url.substring(0, url.indexOf('?')) : url;
    }

    /** A pool on the old database that dualwrite does not know: the tests read through it with plain JDBC. */
    protected abstract DataSource plainOld();

    /** A pool on the new database that dualwrite does not know. */
    protected abstract DataSource plainNew();

    /** The new table's amount column. */
    protected abstract String newAmount();

    /** The repository bean of this flavour. */
    protected abstract Class<? extends Orders> repository();

    private Orders orders() {
        return context.getBean(repository());
    }

    @Test
    @Order(1)
    void annotatedWritesAreMirroredPerMerchantSwitch() throws SQLException {
        assertThat(dataSource).isInstanceOf(DualWriteDataSource.class);
        long oldOnly = IDS.incrementAndGet();
        long dual = IDS.incrementAndGet();
        orders().place("m-old", oldOnly, new BigDecimal("5.00"));
        orders().place("m-dual", dual, new BigDecimal("6.00"));
        // mirrors copy rows by key after the commit: let the insert land first, so the update is mirrored itself
        await().atMost(WAIT).until(() -> newRow(dual), row -> "m-dual NEW 6.00".equals(row));
        orders().pay("m-old", oldOnly);
        orders().pay("m-dual", dual);

        // the later writes of the dual-write merchant arrived, so the earlier ones of m-old were not merely late
        await().atMost(WAIT).until(() -> newRow(dual), row -> "m-dual PAID 6.00".equals(row));
        assertThat(oldRow(oldOnly)).isEqualTo("m-old PAID 5.00");
        assertThat(newRow(oldOnly)).isNull();
        assertThat(newRows("m-old")).isEmpty();
        assertStoresEqual("m-dual");
    }

    @Test
    @Order(2)
    void aMerchantFlippedThroughTheEndpointTakesTheNewRouteOnItsNextWrite() throws Exception {
        String merchant = "m-flip-" + IDS.incrementAndGet();
        long before = IDS.incrementAndGet();
        orders().place(merchant, before, new BigDecimal("4.00"));

        ResponseEntity<String> response = post(body("target", "merchant", "id", merchant, "phase", "DUAL_WRITE"));

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode change = json.readTree(response.getBody());
        assertThat(change.get("outcome").asText()).isEqualTo("applied");
        assertThat(change.get("from").asText()).isEqualTo("OLD_ONLY");
        assertThat(change.get("to").asText()).isEqualTo("DUAL_WRITE");
        long after = IDS.incrementAndGet();
        orders().place(merchant, after, new BigDecimal("5.00"));

        await().atMost(WAIT).until(() -> newRow(after) != null);
        assertThat(newRow(before)).as("written before the flip: the backfill's job").isNull();
        assertThat(newRows(merchant)).containsExactly(oldRows(merchant).get(1));
        assertThat(json.readTree(operator().getForEntity("/actuator/dualwrite/orders", String.class).getBody())
                .at("/switches/merchants/" + merchant).asText()).isEqualTo("DUAL_WRITE");
    }

    @Test
    @Order(3)
    void theEndpointRefusesAMovePastDualWriteWhileTheBacklogIsNotEmptyUnlessForced(CapturedOutput output)
            throws Exception {
        String merchant = "m-gate-" + IDS.incrementAndGet();
        assertThat(post(body("target", "merchant", "id", merchant, "phase", "DUAL_WRITE")).getStatusCode().value())
                .as("up to DUAL_WRITE is not gated").isEqualTo(200);
        long id = IDS.incrementAndGet();
        try {
            breakNewStore();
            orders().place(merchant, id, new BigDecimal("7.00"));
            await().atMost(WAIT).until(() -> changeLog.pendingCount("orders") > 0);

            ResponseEntity<String> refused = post(body("target", "merchant", "id", merchant, "phase", "SHADOW_READ"));

            assertThat(refused.getStatusCode().value()).isEqualTo(409);
            JsonNode refusal = json.readTree(refused.getBody());
            assertThat(refusal.get("outcome").asText()).isEqualTo("refused");
            assertThat(refusal.get("reason").asText()).startsWith("change-log backlog for 'orders' is ")
                    .endsWith("; it must be empty");
            assertThat(merchantPhase(merchant)).as("nothing changed").isEqualTo("DUAL_WRITE");

            ResponseEntity<String> forced = post(body("target", "merchant", "id", merchant, "phase", "SHADOW_READ",
                    "force", true));

            assertThat(forced.getStatusCode().value()).isEqualTo(200);
            JsonNode applied = json.readTree(forced.getBody());
            assertThat(applied.get("outcome").asText()).isEqualTo("applied");
            assertThat(applied.get("forced").asBoolean()).isTrue();
            assertThat(applied.get("reason").asText()).startsWith("change-log backlog for 'orders' is ");
            assertThat(merchantPhase(merchant)).isEqualTo("SHADOW_READ");
        } finally {
            repairNewStore();
        }
        List<String> audit = output.getAll().lines().filter(line -> line.contains(DualWriteEndpoint.AUDIT_LOGGER)
                && line.contains("id='" + merchant + "'")).toList();
        assertThat(audit).hasSize(3);
        assertThat(audit.get(1)).contains("INFO").contains("dualwrite refused by 'operator': migration='orders'"
                + " target='merchant' id='" + merchant + "' from=DUAL_WRITE to=SHADOW_READ forced=false");
        assertThat(audit.get(2)).contains("WARN").contains("dualwrite applied by 'operator': migration='orders'"
                + " target='merchant' id='" + merchant + "' from=DUAL_WRITE to=SHADOW_READ forced=true"
                + " reason='change-log backlog for 'orders' is ");
        awaitBacklogDrained();
        assertStoresEqual(merchant);
    }

    @Test
    @Order(4)
    void metersAndHealthReportABrokenNewStoreAndHealthStaysUp() throws Exception {
        String merchant = "m-dual";
        double failedBefore = measurement("dualwrite.mirror.outcomes", "COUNT", "migration:orders", "target:new",
                "outcome:failed");
        try {
            breakNewStore();
            // write until the breaker opens: async mirrors may be batched, so the number of calls is not fixed
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                orders().place(merchant, IDS.incrementAndGet(), new BigDecimal("8.00"));
                return measurement("dualwrite.mirror.breaker.state", "VALUE", "migration:orders", "target:new") == 1;
            });

            assertThat(measurement("dualwrite.mirror.outcomes", "COUNT", "migration:orders", "target:new",
                    "outcome:failed")).isGreaterThan(failedBefore);
            await().atMost(WAIT).until(() -> measurement("dualwrite.changelog.backlog", "VALUE",
                    "migration:orders") > 0);
            await().atMost(WAIT).untilAsserted(() -> {
                ResponseEntity<String> response = rest.getForEntity("/actuator/health", String.class);
                assertThat(response.getStatusCode().value()).isEqualTo(200);
                JsonNode health = json.readTree(response.getBody());
                assertThat(health.get("status").asText()).isEqualTo("UP");
                JsonNode dualwrite = health.at("/components/dualwrite");
                assertThat(dualwrite.get("status").asText()).isEqualTo("UP");
                assertThat(dualwrite.at("/details/degraded").asBoolean()).isTrue();
                assertThat(dualwrite.at("/details/migrations/orders/breakers/new").asText()).isEqualTo("OPEN");
                assertThat(dualwrite.at("/details/migrations/orders/backlog").asLong()).isPositive();
                assertThat(dualwrite.at("/details/problems").toString())
                        .contains("the circuit breaker of the mirrors of 'orders' to the new store is OPEN");
            });
            JsonNode report = json.readTree(operator().getForEntity("/actuator/dualwrite/orders", String.class)
                    .getBody());
            assertThat(report.at("/breakers/new/state").asText()).isEqualTo("OPEN");
            assertThat(report.at("/backlog/total").asLong()).isPositive();
        } finally {
            repairNewStore();
        }
        awaitBacklogDrained();
        assertStoresEqual(merchant);
    }

    @Test
    @Order(5)
    void nothingARolledBackTransactionalMethodWroteReachesEitherStore() throws SQLException {
        long rolledBack = IDS.incrementAndGet();
        assertThatThrownBy(() -> orders().placeThenFail("m-dual", rolledBack))
                .isInstanceOf(IllegalStateException.class).hasMessage("refused after the writes");
        long sentinel = IDS.incrementAndGet();
        orders().place("m-dual", sentinel, new BigDecimal("9.00"));

        await().atMost(WAIT).until(() -> newRow(sentinel) != null);
        assertThat(oldRow(rolledBack)).isNull();
        assertThat(newRow(rolledBack)).isNull();
        assertStoresEqual("m-dual");
    }

    @Test
    @Order(6)
    void noPasswordOrCredentialBearingUrlInAnyLogLineOrEndpointAnswer(CapturedOutput output) throws Exception {
        long id = IDS.incrementAndGet();
        try {
            breakNewStore();
            orders().place("m-dual", id, new BigDecimal("10.00"));
            // failed, or refused by a breaker a previous test opened: either way a WARN line with its cause
            await().atMost(WAIT).until(() -> output.getAll().lines().anyMatch(line ->
                    line.contains("Mirror to the NEW store") && line.contains("orders/" + id + ")")));
        } finally {
            repairNewStore();
        }
        List<String> answers = new ArrayList<>();
        answers.add(operator().getForEntity("/actuator/dualwrite", String.class).getBody());
        answers.add(rest.getForEntity("/actuator/health", String.class).getBody());
        answers.add(operator().getForEntity("/actuator/metrics/dualwrite.mirror.outcomes", String.class).getBody());
        answers.add(post(body("target", "merchant", "id", "m-secret", "phase", "password=" + NEW_PASSWORD)).getBody());
        answers.add(post(body("target", "merchant", "id", "jdbc:postgresql://app:" + OLD_PASSWORD + "@db/shop",
                "phase", "NEW_ONLY")).getBody());
        awaitBacklogDrained();
        assertStoresEqual("m-dual");

        String all = output.getAll();
        assertThat(all).as("start-up is in the captured output").contains("Started");
        assertThat(all).as("the test's users replace Boot's generated one")
                .doesNotContain("Using generated security password");
        answers.add(all);
        for (String text : answers) {
            assertThat(text).isNotNull().doesNotContain(OLD_PASSWORD).doesNotContain(NEW_PASSWORD);
        }
    }

    private void breakNewStore() throws SQLException {
        execute(plainNew(), "ALTER TABLE orders_v2 RENAME TO orders_v2_away");
    }

    private void repairNewStore() throws SQLException {
        execute(plainNew(), "ALTER TABLE orders_v2_away RENAME TO orders_v2");
    }

    private void awaitBacklogDrained() {
        await().atMost(WAIT).until(() -> changeLog.pendingCount("orders") == 0);
    }

    private static void execute(DataSource plain, String sql) throws SQLException {
        try (Connection connection = plain.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private TestRestTemplate operator() {
        return rest.withBasicAuth("operator", "operator-login");
    }

    private ResponseEntity<String> post(Map<String, Object> body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return operator().postForEntity("/actuator/dualwrite/orders", new HttpEntity<>(body, headers), String.class);
    }

    private String merchantPhase(String merchant) throws Exception {
        return json.readTree(operator().getForEntity("/actuator/dualwrite/orders", String.class).getBody())
                .at("/switches/merchants/" + merchant).asText();
    }

    /** One statistic of a meter as the metrics endpoint answers it; 0 while no meter has those tags. */
    private double measurement(String meter, String statistic, String... tags) throws Exception {
        StringBuilder uri = new StringBuilder("/actuator/metrics/").append(meter);
        for (int i = 0; i < tags.length; i++) {
            uri.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
        }
        ResponseEntity<String> response = operator().getForEntity(uri.toString(), String.class);
        if (response.getStatusCode().value() == 404) {
            return 0;
        }
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        for (JsonNode measurement : json.readTree(response.getBody()).get("measurements")) {
            if (measurement.get("statistic").asText().equals(statistic)) {
                return measurement.get("value").asDouble();
            }
        }
        throw new AssertionError("no " + statistic + " in " + response.getBody());
    }

    private static Map<String, Object> body(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }

    /** The old and the new rows of a merchant are the same, read by plain JDBC on each database. */
    private void assertStoresEqual(String merchant) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(newRows(merchant)).isEqualTo(oldRows(merchant)));
    }

    private List<String> oldRows(String merchant) throws SQLException {
        return rows(plainOld(), "SELECT id, merchant_id, status, amount FROM orders WHERE merchant_id = ?", merchant);
    }

    private List<String> newRows(String merchant) throws SQLException {
        return rows(plainNew(), "SELECT id, merchant_id, status, " + newAmount()
                + " FROM orders_v2 WHERE merchant_id = ?", merchant);
    }

    private String oldRow(long id) throws SQLException {
        return withoutId(rows(plainOld(), "SELECT id, merchant_id, status, amount FROM orders WHERE id = ?", id));
    }

    private String newRow(long id) throws SQLException {
        return withoutId(rows(plainNew(), "SELECT id, merchant_id, status, " + newAmount()
                + " FROM orders_v2 WHERE id = ?", id));
    }

    private static String withoutId(List<String> rows) {
        return rows.isEmpty() ? null : rows.get(0).substring(rows.get(0).indexOf(' ') + 1);
    }

    private static List<String> rows(DataSource plain, String select, Object parameter) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = plain.getConnection();
             PreparedStatement statement = connection.prepareStatement(select + " ORDER BY id")) {
            statement.setObject(1, parameter);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getLong(1) + " " + result.getString(2) + " " + result.getString(3) + " "
                            + result.getBigDecimal(4));
                }
            }
        }
        return rows;
    }

    /** The application's order writes, as each flavour's repository makes them. */
    interface Orders {
        /** Inserts a NEW order. */
        void place(String merchantId, long id, BigDecimal amount);

        /** Marks an order PAID: an update by id alone, whose merchant only the call knows. */
        void pay(String merchantId, long id);

        /** Inserts and pays an order in one transaction, then throws: the transaction rolls back. */
        void placeThenFail(String merchantId, long id);
    }

    /** A repository over JdbcTemplate; every write method opens the merchant's context and a transaction. */
    static class JdbcOrders implements Orders {
        private final JdbcTemplate jdbc;

        JdbcOrders(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        @DualWrite
        @Transactional
        public void place(@MerchantId String merchantId, long id, BigDecimal amount) {
            jdbc.update("INSERT INTO orders (id, merchant_id, status, amount) VALUES (?, ?, 'NEW', ?)", id,
                    merchantId, amount);
        }

        @Override
        @DualWrite
        @Transactional
        public void pay(@MerchantId String merchantId, long id) {
            jdbc.update("UPDATE orders SET status = 'PAID' WHERE id = ?", id);
        }

        @Override
        @DualWrite
        @Transactional
        public void placeThenFail(@MerchantId String merchantId, long id) {
            place(merchantId, id, new BigDecimal("1.00"));
            pay(merchantId, id);
            throw new IllegalStateException("refused after the writes");
        }
    }

    /** A MyBatis mapper of the application, found by MyBatis' own mapper scanning. */
    @org.apache.ibatis.annotations.Mapper
    interface FlavourMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id, status, amount)"
                + " VALUES (#{id}, #{merchantNo}, 'NEW', #{amount})")
        int insert(NewOrder order);

        @org.apache.ibatis.annotations.Update("UPDATE orders SET status = 'PAID' WHERE id = #{id}")
        int pay(long id);
    }

    /** The mapper's parameter; the interceptor reads the merchant from {@code merchantNo} (a property). */
    public static class NewOrder {
        private final long id;
        private final String merchantNo;
        private final BigDecimal amount;

        NewOrder(long id, String merchantNo, BigDecimal amount) {
            this.id = id;
            this.merchantNo = merchantNo;
            this.amount = amount;
        }

        public long getId() {
            return id;
        }

        public String getMerchantNo() {
            return merchantNo;
        }

        public BigDecimal getAmount() {
            return amount;
        }
    }

    /**
     * A repository over the mapper: {@code place} is only {@code @Transactional}, its merchant read from the
     * parameter object by the starter's MyBatis interceptor ({@code dualwrite.mybatis.merchant-id-paths}); the
     * update by id carries {@code @DualWrite}, as the statement holds no merchant.
     */
    static class MyBatisOrders implements Orders {
        private final FlavourMapper mapper;

        MyBatisOrders(FlavourMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        @Transactional
        public void place(String merchantId, long id, BigDecimal amount) {
            mapper.insert(new NewOrder(id, merchantId, amount));
        }

        @Override
        @DualWrite
        @Transactional
        public void pay(@MerchantId String merchantId, long id) {
            mapper.pay(id);
        }

        @Override
        @DualWrite
        @Transactional
        public void placeThenFail(@MerchantId String merchantId, long id) {
            mapper.insert(new NewOrder(id, merchantId, new BigDecimal("1.00")));
            mapper.pay(id);
            throw new IllegalStateException("refused after the writes");
        }
    }

    /** The application: both repositories, the actuator behind HTTP basic; dualwrite only by auto-configuration. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class FlavourApp {
        @Bean
        JdbcOrders jdbcOrders(JdbcTemplate jdbc) {
            return new JdbcOrders(jdbc);
        }

        @Bean
        MyBatisOrders myBatisOrders(FlavourMapper mapper) {
            return new MyBatisOrders(mapper);
        }

        @Bean
        SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
            return http.securityMatcher("/actuator/**")
                    .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health",
                            "/actuator/health/**").permitAll().anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .csrf(csrf -> csrf.disable()) // an API for tools, called with basic credentials
                    .build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("operator").password("{noop}operator-login").roles("DUALWRITE_ADMIN").build());
        }
    }
}
