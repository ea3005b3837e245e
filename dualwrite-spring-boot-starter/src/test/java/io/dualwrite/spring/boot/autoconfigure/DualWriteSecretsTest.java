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
 * No password and no credential-bearing URL reaches the output: neither in the start-up failure report, nor in
 * the log lines of a running application whose mirrors fail (the new table is missing), at DEBUG for dualwrite.
 */
@ExtendWith(OutputCaptureExtension.class)
class DualWriteSecretsTest {

    private static final String OLD_PASSWORD = "OldPw-4711";
    private static final String NEW_PASSWORD = "NewPw-0815";
    private static final String URL_PASSWORD = "UrlPw-1234";

    @Test
    void startUpFailureReportNamesThePropertyAndNoSecret(CapturedOutput output) {
        assertThatThrownBy(() -> application().run(
                "--spring.datasource.url=jdbc:h2:mem:secret_fail_old", "--spring.datasource.username=sa",
                "--spring.datasource.password=" + OLD_PASSWORD,
                "--dualwrite.new-datasource.url=jdbc:h2:mem:secret_fail_new;USER=sa;PASSWORD=" + URL_PASSWORD,
                "--dualwrite.new-datasource.password=" + NEW_PASSWORD,
                "--dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                "--dualwrite.mirror.queue-capacity=0")).isInstanceOf(RuntimeException.class);
        assertThat(output).contains("APPLICATION FAILED TO START", "Property: dualwrite.mirror.queue-capacity",
                "Value: '0'", "Allowed: an integer from 1 to 10000000");
        assertThat(output).doesNotContain(OLD_PASSWORD, NEW_PASSWORD, URL_PASSWORD);
    }

    @Test
    void failingMirrorsLogNoSecret(CapturedOutput output) throws SQLException {
        String old = "jdbc:h2:mem:secret_run_old;DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(old, "sa", OLD_PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20))");
        }
        try (ConfigurableApplicationContext context = application().run(
                "--spring.datasource.url=" + old, "--spring.datasource.username=sa",
                "--spring.datasource.password=" + OLD_PASSWORD,
                "--dualwrite.new-datasource.url=jdbc:h2:mem:secret_run_new;DB_CLOSE_DELAY=-1;USER=sa;PASSWORD="
                        + URL_PASSWORD,
                "--dualwrite.new-datasource.username=sa", "--dualwrite.new-datasource.password=" + URL_PASSWORD,
                "--dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                "--dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                "--dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE",
                "--dualwrite.mirror.mode=sync", "--dualwrite.mirror.warn-interval=0s",
                "--logging.level.io.dualwrite=DEBUG")) {
            context.getBean(JdbcTemplate.class).update("INSERT INTO orders (id, merchant_id) VALUES (1, 'm-1')");
        }
        assertThat(output).contains("Mirror to the NEW store failed"); // the failure was logged, with its cause
        assertThat(output).doesNotContain(OLD_PASSWORD, NEW_PASSWORD, URL_PASSWORD);
    }

    private static SpringApplication application() {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
