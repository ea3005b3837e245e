package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Nineteenth break review of the starter. Spring Boot ignores a property name its bound class does not know, so a
 * misspelt {@code dualwrite.*} key started an application doing something else than its configuration says, without
 * a word ({@code tables.orders.new-tabel=orders_v2} mirrored into a table named {@code orders}, {@code merchnts.m-1}
 * left the merchant in {@code OLD_ONLY}); each now fails start-up naming the property, the unknown part, the names
 * allowed there and the nearest one, never its value. A new store that refuses the password, or that stops while the
 * application runs, never reaches the caller: the old store keeps working, the change log records the rows, and the
 * reconciler repairs them once the store is back.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterBreak19Test {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break19_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break19_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    /** A misspelt name under dualwrite.* fails start-up naming it, what is allowed there and the nearest name. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dualwrite.migrations.orders.tables.orders.new-tabel=orders_v3|new-tabel"
                    + "|dualwrite.migrations.orders.tables.orders.new-table",
            "dualwrite.migrations.orders.merchnts.m-1=DUAL_WRITE|merchnts|dualwrite.migrations.orders.merchants",
            "dualwrite.migrations.orders.system-phse=DUAL_WRITE|system-phse|dualwrite.migrations.orders.system-phase",
            "dualwrite.migrations.orders.tables.orders.rename.amount=total|rename"
                    + "|dualwrite.migrations.orders.tables.orders.renames",
            "dualwrite.mirror.tme-limit=5s|tme-limit|dualwrite.mirror.time-limit",
            "dualwrite.mirror.breaker.window=5|window|dualwrite.mirror.breaker.window-size",
            "dualwrite.reconciler.intervall=1s|intervall|dualwrite.reconciler.interval",
            "dualwrite.store.switches=jdbc|store|dualwrite.stores",
            "dualwrite.job.worker=4|worker|dualwrite.job.workers"})
    void aMisspeltNameFailsStartUpNamingTheNearestKnownOne(String property, String unknown, String nearest) {
        runner.withPropertyValues(property).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            String name = property.substring(0, property.indexOf('='));
            assertThat(analysis.getDescription()).contains("Property: " + name, "Value: '" + unknown + "'",
                    "Allowed: one of [");
            assertThat(analysis.getAction()).contains("Did you mean " + nearest + "?", "remove it");
        });
    }

    /**
     * A merchant written in two spellings Spring Boot takes for one name (m_1 and m1, M-2 and m-2), with two phases,
     * fails start-up naming both (Boot gave both ids the phase of one line); in brackets they are two merchants.
     */
    @Test
    void aMerchantUnderTwoPhasesInSpellingsBootTakesForOneNameFailsStartUp() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants.m_1=DUAL_WRITE",
                "dualwrite.migrations.orders.merchants.m1=OLD_ONLY").run(context -> {
                    FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
                    assertThat(analysis.getDescription()).contains(
                            "Property: dualwrite.migrations.orders.merchants.m1",
                            "Value: 'dualwrite.migrations.orders.merchants.m_1'", "ignores '_' and case");
                    assertThat(analysis.getAction()).contains("dualwrite.migrations.orders.merchants[m1]");
                });
        runner.withPropertyValues("dualwrite.migrations.orders.merchants.M-2=DUAL_WRITE",
                "dualwrite.migrations.orders.merchants.m-2=OLD_ONLY").run(context -> assertThat(
                DualWriteStartupFailureTest.analysis(context).getDescription()).contains("merchants.m-2", "merchants.M-2"));
        runner.withPropertyValues("dualwrite.migrations.orders.merchants[m_1]=DUAL_WRITE",
                "dualwrite.migrations.orders.merchants[m1]=OLD_ONLY",
                "dualwrite.migrations.orders.merchants.x_1=SHADOW_READ",
                "dualwrite.migrations.orders.merchants.x1=SHADOW_READ").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DualWriteProperties.class).getMigrations().get("orders").getMerchants())
                            .containsEntry("m_1", io.dualwrite.MigrationPhase.DUAL_WRITE)
                            .containsEntry("m1", io.dualwrite.MigrationPhase.OLD_ONLY);
                });
    }

    /** The value of a misspelt name is never shown: it may be the password the name was meant to carry. */
    @Test
    void aMisspeltPasswordNameIsNamedWithoutItsValue(CapturedOutput output) {
        runner.withPropertyValues("dualwrite.new-datasource.pasword=s3cr3t-Value").run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.new-datasource.pasword",
                    "Value: 'pasword'", "password");
            assertThat(analysis.getAction()).contains("Did you mean dualwrite.new-datasource.password?");
            assertThat(analysis.getDescription() + analysis.getAction() + context.getStartupFailure().getMessage()
                    + output).doesNotContain("s3cr3t-Value");
        });
    }

    /** A list element without its index, or a name under a value, is refused saying what may follow. */
    @Test
    void aRuleWithoutItsIndexAndANameUnderAValueAreRefused() {
        runner.withPropertyValues("dualwrite.migrations.orders.rules.phase=DUAL_WRITE").run(context -> assertThat(
                DualWriteStartupFailureTest.analysis(context).getDescription()).contains(
                "Property: dualwrite.migrations.orders.rules.phase",
                "Allowed: an index after dualwrite.migrations.orders.rules, such as dualwrite.migrations.orders.rules[0]"));
        runner.withPropertyValues("dualwrite.mirror.lanes.count=4").run(context -> assertThat(
                DualWriteStartupFailureTest.analysis(context).getDescription()).contains(
                "Property: dualwrite.mirror.lanes.count", "Value: 'count'",
                "Allowed: nothing after dualwrite.mirror.lanes, which takes a value"));
    }

    /**
     * Every form Spring Boot binds still starts: underscores and camel case, keys in brackets and with dots, list
     * indexes, Hikari settings, job options without a job, and environment variables (not checked: too coarse).
     */
    @Test
    void namesInEveryFormSpringBootBindsStillStart() {
        runner.withPropertyValues(
                        "dualwrite.migrations.orders.tables.orders.merchant_column=merchant_id",
                        "dualwrite.migrations.orders.tables.orders.orderColumn=order_id",
                        "dualwrite.migrations.orders.tables[sales.items].new-table=items_v2",
                        "dualwrite.migrations.orders.tables.orders.renames.amount=amount_total",
                        "dualwrite.migrations.orders.tables.orders.added-columns.source=legacy",
                        "dualwrite.migrations.orders.tables.orders.primary-key[0]=id",
                        "dualwrite.migrations.orders.merchants[M_1]=DUAL_WRITE",
                        "dualwrite.migrations.orders.orders.42=SHADOW_READ",
                        "dualwrite.migrations.orders.rules[0].phase=DUAL_WRITE",
                        "dualwrite.migrations.orders.rules[0].merchant-percentage=10",
                        "dualwrite.migrations.orders.shadow-reads.rate=0.5",
                        "dualwrite.new-datasource.hikari.maximum-pool-size=3",
                        "dualwrite.mirror.breaker.window-size=10",
                        "dualwrite.mybatis.statements[0].id=x.Mapper.insert",
                        "dualwrite.mybatis.enabled=false",
                        "dualwrite.endpoint.write-role=OPS",
                        "dualwrite.job.tables=orders",
                        "dualwrite.job.exit=false")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment",
                                Map.of("DUALWRITE_HOME", "/opt/dualwrite", "DUALWRITE_MIRROR_LANES", "2"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DualWriteProperties properties = context.getBean(DualWriteProperties.class);
                    assertThat(properties.getMigrations().get("orders").getTables().get("orders").getMerchantColumn())
                            .isEqualTo("merchant_id");
                    assertThat(properties.getMirror().getLanes()).isEqualTo(2);
                });
    }

    /**
     * A new store that refuses the password does not stop the application: the old store is authoritative and keeps
     * working, the caller's write succeeds, the failed mirror is recorded for the reconciler, and nothing printed
     * carries the password.
     */
    @Test
    void aNewStoreRefusingThePasswordLeavesTheApplicationWorkingAndRecordsTheRows(CapturedOutput output)
            throws SQLException {
        int n = DATABASES.incrementAndGet();
        String old = "jdbc:h2:mem:break19_pw_old_" + n + ";DB_CLOSE_DELAY=-1";
        String neu = "jdbc:h2:mem:break19_pw_new_" + n + ";DB_CLOSE_DELAY=-1";
        execute(old, "sa", "", "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
        execute(neu, "owner", "right-one",
                "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
        runner.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + old, "spring.datasource.username=sa",
                        "dualwrite.new-datasource.url=" + neu, "dualwrite.new-datasource.username=owner",
                        "dualwrite.new-datasource.password=Wr0ng-Pa55",
                        "dualwrite.new-datasource.hikari.connection-timeout=500",
                        "dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE", "dualwrite.mirror.mode=sync",
                        "dualwrite.reconciler.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    try (MigrationContext.Scope scope = merchant("m-1")) {
                        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (1, 'm-1', 'a')");
                    }
                    assertThat(rows(old, "sa", "", "orders")).hasSize(1);
                    assertThat(context.getBean(ChangeLog.class).pendingCount("orders")).isEqualTo(1);
                    assertThat(rows(neu, "owner", "right-one", "orders_v2")).isEmpty();
                });
        assertThat(output).doesNotContain("Wr0ng-Pa55");
    }

    /**
     * With validation on, a new table missing in the new store fails start-up naming the table; a new store refusing
     * the password fails it naming the new store's properties and the way to start without the check (it was
     * reported as a mapping that does not match the schemas, under dualwrite.migrations.orders.tables, with "fix the
     * mapping or the schema"); neither shows a password.
     */
    @Test
    void withValidationOnAMissingNewTableAndARefusedPasswordAreNamedByWhatIsAtFault(CapturedOutput output)
            throws SQLException {
        int n = DATABASES.incrementAndGet();
        String old = "jdbc:h2:mem:break19_missing_old_" + n + ";DB_CLOSE_DELAY=-1";
        String neu = "jdbc:h2:mem:break19_missing_new_" + n + ";DB_CLOSE_DELAY=-1";
        execute(old, "sa", "", "CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20))");
        execute(neu, "sa", "Pa55-word", "CREATE TABLE orders_v1 (id BIGINT PRIMARY KEY, note VARCHAR(20))");
        ApplicationContextRunner validating = runner.withPropertyValues("spring.datasource.url=" + old,
                "spring.datasource.username=sa", "dualwrite.new-datasource.url=" + neu,
                "dualwrite.new-datasource.username=sa", "dualwrite.jdbc.validate-mappings=true",
                "dualwrite.new-datasource.hikari.connection-timeout=500");
        validating.withPropertyValues("dualwrite.new-datasource.password=Pa55-word").run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.migrations.orders.tables",
                    "new table 'orders_v2' does not exist in the new store");
        });
        validating.withPropertyValues("dualwrite.new-datasource.password=Wr0ng-Pa55").run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).contains("Property: dualwrite.new-datasource.url",
                    "Value: '" + neu + "'", "a new store that answers while dualwrite.jdbc.validate-mappings is true",
                    "Wrong user name or password");
            assertThat(analysis.getAction()).contains("dualwrite.new-datasource.password",
                    "dualwrite.jdbc.validate-mappings=false");
        });
        assertThat(output).doesNotContain("Wr0ng-Pa55").doesNotContain("Pa55-word");
    }

    /**
     * The new store (PostgreSQL) stops taking connections and drops the open ones while the application writes:
     * every call returns as if nothing happened, the change log records the rows, and once the store is back the
     * scheduled reconciler makes its table equal row by row to the old store's rows of the merchant in DUAL_WRITE
     * (the merchant in OLD_ONLY never reaches it).
     */
    @Test
    void aNewStoreThatStopsAndComesBackIsRepairedByTheReconciler() throws Exception {
        int n = DATABASES.incrementAndGet();
        String old = "jdbc:h2:mem:break19_down_old_" + n + ";DB_CLOSE_DELAY=-1";
        execute(old, "sa", "", "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
        try (TestDatabase newDb = TestDatabases.postgres();
             Connection admin = DriverManager.getConnection(
                     newDb.pool().getJdbcUrl().replace("/" + newDb.name(), "/postgres"), "postgres", "")) {
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), remark VARCHAR(20))");
            String neu = newDb.pool().getJdbcUrl();
            runner.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class))
                    .withPropertyValues("spring.datasource.url=" + old, "spring.datasource.username=sa",
                            "dualwrite.new-datasource.url=" + neu, "dualwrite.new-datasource.username=postgres",
                            "dualwrite.new-datasource.hikari.connection-timeout=500",
                            "dualwrite.stores.change-log=jdbc", "dualwrite.stores.create-schema=true",
                            "dualwrite.migrations.orders.tables.orders.renames.note=remark",
                            "dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                            "dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE",
                            "dualwrite.migrations.orders.merchants.m-2=OLD_ONLY",
                            "dualwrite.mirror.time-limit=2s",
                            "dualwrite.reconciler.interval=100ms", "dualwrite.reconciler.initial-backoff=100ms",
                            "dualwrite.reconciler.max-backoff=300ms", "dualwrite.reconciler.max-attempts=1000")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                        for (long id = 1; id <= 4; id++) {
                            String merchant = id % 2 == 0 ? "m-2" : "m-1";
                            write(jdbc, merchant, "INSERT INTO orders (id, merchant_id, note) VALUES (" + id + ", '"
                                    + merchant + "', 'before')");
                        }
                        await().atMost(Duration.ofSeconds(60))
                                .until(() -> rows(neu, "postgres", "", "orders_v2").size() == 2);

                        stop(admin, newDb.name());
                        write(jdbc, "m-1", "UPDATE orders SET note = 'during' WHERE id = 1");
                        write(jdbc, "m-1", "DELETE FROM orders WHERE id = 3");
                        write(jdbc, "m-1", "INSERT INTO orders (id, merchant_id, note) VALUES (5, 'm-1', 'during')");
                        write(jdbc, "m-2", "UPDATE orders SET note = 'during' WHERE id = 2");
                        assertThat(rows(old, "sa", "", "orders")).hasSize(4);
                        await().atMost(Duration.ofSeconds(60)).until(() -> pending(old) >= 3);

                        try (Statement statement = admin.createStatement()) {
                            statement.execute("ALTER DATABASE " + newDb.name() + " ALLOW_CONNECTIONS true");
                        }
                        await().atMost(Duration.ofSeconds(60)).until(() -> pending(old) == 0);
                        List<List<Object>> expected = new ArrayList<>();
                        for (List<Object> row : rows(old, "sa", "", "orders")) {
                            if ("m-1".equals(row.get(1))) {
                                expected.add(row);
                            }
                        }
                        assertThat(rows(neu, "postgres", "", "orders_v2")).isEqualTo(expected);
                        assertThat(expected).extracting(row -> row.get(0)).containsExactly(1L, 5L);
                    });
        }
    }

    /** The database refuses new connections and ends every open one but the admin's. */
    private static void stop(Connection admin, String database) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> pg_backend_pid()");
        }
    }

    @EnableAsync
    static class AsyncOn {
    }

    /** A repository whose {@code @DualWrite} methods call each other through the bean, and one that is async. */
    public static class Repository {
        private final JdbcTemplate jdbc;
        private final ObjectProvider<Repository> self;

        public Repository(JdbcTemplate jdbc, ObjectProvider<Repository> self) {
            this.jdbc = jdbc;
            this.self = self;
        }

        @DualWrite
        public void saveWithAnother(@MerchantId String merchantId, String otherMerchantId, long id) {
            jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, 'outer')", id, merchantId);
            self.getObject().save(otherMerchantId, id + 1);
        }

        @DualWrite
        public void save(@MerchantId String merchantId, long id) {
            jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, 'inner')", id, merchantId);
        }

        @Async
        @DualWrite
        public CompletableFuture<Optional<MigrationContext>> saveLater(@MerchantId String merchantId, long id) {
            jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, 'async')", id, merchantId);
            return CompletableFuture.completedFuture(MigrationContext.current());
        }
    }

    /**
     * A nested {@code @DualWrite} call of another merchant runs under the outer call's context (the open context
     * wins); with the mapping's merchant column each row still follows its own merchant's phase. An {@code @Async}
     * method opens its context on the thread that runs it. The new store ends equal to the old store's rows of the
     * merchant in DUAL_WRITE.
     */
    @Test
    void nestedCallsOfAnotherMerchantFollowTheMerchantColumnAndAsyncCallsOpenTheirContext() throws SQLException {
        int n = DATABASES.incrementAndGet();
        String old = "jdbc:h2:mem:break19_nested_old_" + n + ";DB_CLOSE_DELAY=-1";
        String neu = "jdbc:h2:mem:break19_nested_new_" + n + ";DB_CLOSE_DELAY=-1";
        execute(old, "sa", "", "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
        execute(neu, "sa", "",
                "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
        runner.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class,
                        AopAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
                .withUserConfiguration(AsyncOn.class)
                .withBean(Repository.class)
                .withPropertyValues("spring.datasource.url=" + old, "spring.datasource.username=sa",
                        "dualwrite.new-datasource.url=" + neu, "dualwrite.new-datasource.username=sa",
                        "dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                        "dualwrite.migrations.orders.merchants.A=DUAL_WRITE",
                        "dualwrite.migrations.orders.merchants.B=OLD_ONLY", "dualwrite.mirror.mode=sync")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Repository repository = context.getBean(Repository.class);
                    repository.saveWithAnother("B", "A", 1);
                    repository.saveWithAnother("A", "B", 11);
                    assertThat(repository.saveLater("A", 21).get()).contains(
                            MigrationContext.forMigration("orders").merchantId("A").build());
                    assertThat(repository.saveLater("B", 22).get()).contains(
                            MigrationContext.forMigration("orders").merchantId("B").build());

                    List<List<Object>> expected = new ArrayList<>();
                    for (List<Object> row : rows(old, "sa", "", "orders")) {
                        if ("A".equals(row.get(1))) {
                            expected.add(row);
                        }
                    }
                    assertThat(expected).extracting(row -> row.get(0)).containsExactly(2L, 11L, 21L);
                    assertThat(rows(neu, "sa", "", "orders_v2")).isEqualTo(expected);
                });
    }

    private static void write(JdbcTemplate jdbc, String merchant, String sql) {
        try (MigrationContext.Scope scope = merchant(merchant)) {
            jdbc.update(sql);
        }
    }

    private static MigrationContext.Scope merchant(String merchant) {
        return MigrationContext.forMigration("orders").merchantId(merchant).build().open();
    }

    private static long pending(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT COUNT(*) FROM dualwrite_change_log WHERE status <> 'DONE'")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Every row of {@code table} in key order, as its columns' values, read with plain JDBC. */
    private static List<List<Object>> rows(String url, String user, String password, String table)
            throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static void execute(String url, String user, String password, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
