package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A new-store URL that no JDBC driver accepts (a misspelt sub-protocol) used to start the application; the
 * pool then failed at the first mirror with Hikari's message "Failed to get driver instance for jdbcUrl=…",
 * which quotes the whole URL, password included, into the mirror failure's log line. Start-up now refuses such
 * a URL, naming the property with the credentials cut out of the value. With a driver class named, the pool's
 * refusal ("Driver … claims to not accept jdbcUrl, …") still comes at the first mirror: its log lines, at WARN
 * and with the stack trace at DEBUG, now mask the URL's password, even one holding an {@code @}.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewStoreUrlSecretsTest {

    private static final String PASSWORD = "QueryPw-2718";
    private static final String USER_INFO_PASSWORD = "InfoPw-3141";

    @Test
    void aUrlNoDriverAcceptsFailsStartUpWithoutItsPassword(CapturedOutput output) throws SQLException {
        String old = "jdbc:h2:mem:url_secret_old;DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(old, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20))");
        }
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--spring.datasource.url=" + old, "--spring.datasource.username=sa",
                "--dualwrite.new-datasource.url=jdbc:postgresq://shop:" + USER_INFO_PASSWORD
                        + "@127.0.0.1:1/shop?user=shop&password=" + PASSWORD,
                "--dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                "--dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                "--dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE",
                "--dualwrite.mirror.mode=sync", "--dualwrite.mirror.warn-interval=0s",
                "--logging.level.io.dualwrite=DEBUG")).isInstanceOf(RuntimeException.class);
        assertThat(output).contains("APPLICATION FAILED TO START", "Property: dualwrite.new-datasource.url",
                "jdbc:postgresq:…", "Allowed: a JDBC URL that a driver on the class path accepts");
        assertThat(output).doesNotContain(PASSWORD, USER_INFO_PASSWORD);
    }

    @Test
    void aUrlTheNamedDriverRefusesFailsTheMirrorWithoutLoggingItsPassword(CapturedOutput output)
            throws SQLException {
        String old = "jdbc:h2:mem:url_secret_old_2;DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(old, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20))");
        }
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--spring.datasource.url=" + old,
                "--spring.datasource.username=sa",
                "--dualwrite.new-datasource.url=jdbc:postgresq://shop:" + USER_INFO_PASSWORD + "@x@127.0.0.1:1/shop"
                        + "?user=shop&password=" + PASSWORD,
                "--dualwrite.new-datasource.driver-class-name=org.h2.Driver",
                "--dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                "--dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                "--dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE",
                "--dualwrite.mirror.mode=sync", "--dualwrite.mirror.warn-interval=0s",
                "--logging.level.io.dualwrite=DEBUG")) {
            context.getBean(JdbcTemplate.class).update("INSERT INTO orders (id, merchant_id) VALUES (1, 'm-1')");
        }
        assertThat(output).contains("Mirror to the NEW store failed", "claims to not accept jdbcUrl",
                "jdbc:postgresq://shop:******@127.0.0.1:1/shop", "Mirror failure of migration orders in detail",
                "at com.zaxxer.hikari");
        assertThat(output).doesNotContain(PASSWORD, USER_INFO_PASSWORD, "x@127.0.0.1");
    }

    @Test
    void aQuotedOrEncodedPasswordInTheRefusedUrlIsNotLoggedEither(CapturedOutput output) throws SQLException {
        String old = "jdbc:h2:mem:url_secret_old_3;DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(old, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20))");
        }
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--spring.datasource.url=" + old,
                "--spring.datasource.username=sa",
                "--dualwrite.new-datasource.url=jdbc:postgresq://127.0.0.1:1/shop?user=shop&password='q;Quoted-1&x'"
                        + "&pass%77ord=Encoded-2&ssl=true",
                "--dualwrite.new-datasource.driver-class-name=org.h2.Driver",
                "--dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                "--dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                "--dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE",
                "--dualwrite.mirror.mode=sync", "--dualwrite.mirror.warn-interval=0s",
                "--logging.level.io.dualwrite=DEBUG")) {
            context.getBean(JdbcTemplate.class).update("INSERT INTO orders (id, merchant_id) VALUES (1, 'm-1')");
        }
        assertThat(output).contains("Mirror to the NEW store failed", "jdbc:postgresq://127.0.0.1:1/shop");
        assertThat(output).doesNotContain("Quoted-1", "Encoded-2");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
