package io.dualwrite.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A web application built by hand the way the core auto-configuration builds it: two H2 stores (credentials from
 * the properties and in the new store's URL), dualwrite's tables in the old one, JDBC switch, pin and change-log
 * stores, a DualWriter whose observer is the starter's mirror metrics, and a DualWriteDataSource per migration
 * ({@code orders} is the application's DataSource, {@code payments} a second one). Mirrors run in sync mode and
 * a breaker opens after two calls, so tests can read outcomes right after a write. Actuator endpoints sit behind
 * HTTP basic; {@code operator} holds the write role, {@code viewer} does not.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({DualWriteEndpointConfiguration.class, DualWriteMetricsConfiguration.class})
class OpsWebApplication {

    static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .merchantIdColumn("merchant_id").build();
    static final TableMapping PAYMENTS = TableMapping.builder("payments").newTable("payments_v2")
            .merchantIdColumn("merchant_id").build();

    /** The two stores: plain pools, owned by the test application. */
    record Stores(HikariDataSource oldStore, HikariDataSource newStore) implements AutoCloseable {
        @Override
        public void close() {
            oldStore.close();
            newStore.close();
        }
    }

    /** The second migration's data source (not a DataSource bean: the application has one). */
    record Payments(DualWriteDataSource dataSource) {
    }

    @Bean(destroyMethod = "close")
    Stores stores(Environment environment) throws SQLException {
        HikariConfig old = new HikariConfig();
        old.setJdbcUrl(environment.getRequiredProperty("spring.datasource.url"));
        old.setUsername(environment.getRequiredProperty("spring.datasource.username"));
        old.setPassword(environment.getRequiredProperty("spring.datasource.password"));
        old.setPoolName("ops-old");
        HikariConfig fresh = new HikariConfig();
        fresh.setJdbcUrl(environment.getRequiredProperty("dualwrite.new-datasource.url"));
        fresh.setPoolName("ops-new");
        Stores stores = new Stores(new HikariDataSource(old), new HikariDataSource(fresh));
        execute(stores.oldStore(), "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount INT)",
                "CREATE TABLE payments (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount INT)");
        execute(stores.newStore(), "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount INT)",
                "CREATE TABLE payments_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount INT)");
        DualWriteSchema.create(stores.oldStore());
        return stores;
    }

    @Bean
    Switchboard switchboard(Stores stores) {
        return Switchboard.builder().switchStore(JdbcSwitchStore.create(stores.oldStore()))
                .orderPinStore(JdbcOrderPinStore.create(stores.oldStore()))
                .migration(MigrationSwitchConfig.of("orders"))
                .migration(MigrationSwitchConfig.of("payments"))
                .migration(MigrationSwitchConfig.builder("ledger").pinning(true).build())
                .build();
    }

    @Bean
    JdbcChangeLog changeLog(Stores stores) {
        return JdbcChangeLog.create(stores.oldStore());
    }

    @Bean
    JdbcVerificationProbe verificationProbe(Stores stores) {
        return JdbcVerificationProbe.create(stores.oldStore());
    }

    @Bean(destroyMethod = "close")
    DualWriter dualWriter(Switchboard switchboard, ChangeLog changeLog, ObjectProvider<MirrorObserver> observers) {
        return DualWriter.builder().resolver(switchboard).changeLog(changeLog)
                .observer(MirrorObserver.composite(observers.orderedStream().toList()))
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).breakerWindowSize(2).breakerMinimumCalls(2)
                        .breakerWaitInOpenState(Duration.ofMinutes(10)).build())
                .build();
    }

    @Bean
    DualWriteDataSource dataSource(Stores stores, DualWriter writer) {
        return DualWriteDataSource.builder().oldDataSource(stores.oldStore()).newDataSource(stores.newStore())
                .migration("orders").dualWriter(writer).mapping(ORDERS).build();
    }

    @Bean
    Payments payments(Stores stores, DualWriter writer) {
        return new Payments(DualWriteDataSource.builder().oldDataSource(stores.oldStore())
                .newDataSource(stores.newStore()).migration("payments").dualWriter(writer).mapping(PAYMENTS).build());
    }

    @Bean
    SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher("/actuator/**")
                .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll().anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable()) // an API for tools, called with basic credentials
                .build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("operator").password("{noop}operator-login").roles("DUALWRITE_ADMIN").build(),
                User.withUsername("viewer").password("{noop}viewer-login").roles("VIEWER").build());
    }

    private static void execute(DataSource dataSource, String... sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }
}
