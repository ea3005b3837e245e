package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Round 27: the starter as an application team runs it. Property families round 26 did not probe (switch rules, the
 * breaker, the reconciler's back-off, the JDBC wrapper's bean and migration, the MyBatis migration), each expected to
 * fail start-up through the failure analyzer naming the property; and a devtools-style restart (one JVM, the context
 * closed and opened again), after which none of the context's threads and pools may live on.
 */
class StarterBreak27Test {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:starter_break27_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:starter_break27_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2");

    // Each misconfiguration must fail start-up with the "Invalid dualwrite configuration" report naming the property
    // (by the name written, or its canonical form).
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dualwrite.migrations.orders.rules[0].merchant-percentage=150|dualwrite.migrations.orders.rules[0]",
            "dualwrite.migrations.orders.rules[0].merchant-percentage=-1|dualwrite.migrations.orders.rules[0]",
            "dualwrite.migrations.orders.rules[0].id-threshold=-5|dualwrite.migrations.orders.rules[0]",
            "dualwrite.mirror.breaker.failure-rate-threshold=0|dualwrite.mirror.breaker.failure-rate-threshold",
            "dualwrite.mirror.breaker.failure-rate-threshold=101|dualwrite.mirror.breaker.failure-rate-threshold",
            "dualwrite.mirror.breaker.slow-call-rate-threshold=150|dualwrite.mirror.breaker.slow-call-rate-threshold",
            "dualwrite.mirror.breaker.window-size=0|dualwrite.mirror.breaker.window-size",
            "dualwrite.mirror.breaker.half-open-calls=0|dualwrite.mirror.breaker.half-open-calls",
            "dualwrite.reconciler.max-attempts=0|dualwrite.reconciler.max-attempts",
            "dualwrite.reconciler.batch-size=-1|dualwrite.reconciler.batch-size",
            "dualwrite.jdbc.migration=ordrs|dualwrite.jdbc.migration",
            "dualwrite.jdbc.statement-cache-size=-1|dualwrite.jdbc.statement-cache-size",
            "dualwrite.mybatis.migration=ordrs|dualwrite.mybatis.migration",
            "dualwrite.stores.refresh-interval=-1s|dualwrite.stores.refresh-interval"})
    void aMisconfiguredPropertyOfEachFamilyFailsStartUpNamingIt(String property, String named) {
        runner.withPropertyValues(property).run(context -> {
            FailureAnalysis analysis = DualWriteStartupFailureTest.analysis(context);
            assertThat(analysis.getDescription()).as(property).contains(named);
            assertThat(analysis.getAction()).as(property).isNotBlank();
        });
    }

    /**
     * The live threads the starter's beans start (mirror pools and lanes, the reconciler, the new store's pool) that
     * are not in {@code before}: contexts other test classes cached in this JVM keep theirs.
     */
    private static List<String> dualwriteThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> !before.contains(thread)).map(Thread::getName)
                .filter(name -> name.startsWith("dualwrite-mirror-") || name.startsWith("dualwrite-lane-")
                        || name.startsWith("dualwrite-rejected-") || name.equals("dualwrite-reconciler")
                        || name.startsWith("dualwrite-new"))
                .sorted().toList();
    }

    // A devtools-style restart: the same application context opened, written through (a DUAL_WRITE merchant's insert,
    // so that the mirror executors start) and closed three times in one JVM, the reconciler scheduled. After each
    // close, none of its threads may live on (the mirror pools and lanes, the reconciler, the new store's Hikari
    // pool): else every restart of a developer's application leaks them, each holding connections to the new store.
    @Test
    void aContextClosedAndOpenedAgainInOneJvmLeavesNoThreadsOrPoolsBehind() {
        try (TestDatabase oldStore = TestDatabases.h2(); TestDatabase newStore = TestDatabases.h2()) {
            oldStore.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), status VARCHAR(20))");
            newStore.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), status VARCHAR(20))");
            ApplicationContextRunner restarts = new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                            DualWriteAutoConfiguration.class))
                    .withPropertyValues(
                            "spring.datasource.url=jdbc:h2:mem:" + oldStore.name() + ";DB_CLOSE_DELAY=-1",
                            "spring.datasource.username=sa",
                            "dualwrite.new-datasource.url=jdbc:h2:mem:" + newStore.name() + ";DB_CLOSE_DELAY=-1",
                            "dualwrite.new-datasource.username=sa", "dualwrite.mirror.time-limit=30s",
                            "dualwrite.stores.change-log=jdbc", "dualwrite.stores.create-schema=true",
                            "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                            "dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                            "dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE",
                            "dualwrite.reconciler.interval=100ms");
            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            for (int restart = 1; restart <= 3; restart++) {
                long id = restart;
                restarts.run(context -> {
                    assertThat(context).hasNotFailed();
                    try (Connection connection = context.getBean(DataSource.class).getConnection();
                         Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO orders (id, merchant_id, status) VALUES (" + id
                                + ", 'm-1', 'NEW')");
                    }
                    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                            newStore.count("SELECT COUNT(*) FROM orders_v2 WHERE id = ?", id) == 1);
                    assertThat(dualwriteThreads(before)).as("threads while the context runs").isNotEmpty();
                });
                Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(dualwriteThreads(before)).as("threads after the context closed").isEmpty());
            }
            assertThat(newStore.count("SELECT COUNT(*) FROM orders_v2")).isEqualTo(3);
            assertThat(oldStore.count("SELECT COUNT(*) FROM orders")).isEqualTo(3);
        }
    }
}
