package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The job runner beside the real auto-configuration: the {@code DualWriteDataSource} it wraps around the
 * application's pool, its tables from {@code dualwrite.migrations.*}, its JDBC change log and switchboard; and
 * {@code dualwrite.job=…} on the command line does not disturb the binding of {@code dualwrite.*}.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobWithAutoConfigurationTest {

    private static final String OLD = "jdbc:h2:mem:job_auto_old;DB_CLOSE_DELAY=-1";
    private static final String NEW = "jdbc:h2:mem:job_auto_new;DB_CLOSE_DELAY=-1";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withUserConfiguration(DualWriteJobConfiguration.class)
            .withPropertyValues("spring.datasource.url=" + OLD, "spring.datasource.username=sa",
                    "dualwrite.new-datasource.url=" + NEW, "dualwrite.new-datasource.username=sa",
                    "dualwrite.stores.switches=jdbc", "dualwrite.stores.pins=jdbc", "dualwrite.stores.change-log=jdbc",
                    "dualwrite.stores.create-schema=true", "dualwrite.reconciler.enabled=false",
                    "dualwrite.migrations.orders.system-phase=DUAL_WRITE",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                    "dualwrite.migrations.orders.tables.orders.renames.status=state",
                    "dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id",
                    "dualwrite.job.exit=false");

    private int runJob(String job) {
        int[] code = {-1};
        contextRunner.withPropertyValues("dualwrite.job=" + job).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DualWriteJobRunner.class);
            assertThat(context.getBean(javax.sql.DataSource.class)).isInstanceOf(DualWriteDataSource.class);
            DualWriteJobRunner runner = context.getBean(DualWriteJobRunner.class);
            runner.run(new DefaultApplicationArguments());
            code[0] = runner.getExitCode();
        });
        return code[0];
    }

    @Test
    void backfillVerifyAndStatusRunOverTheAutoConfiguredStores(CapturedOutput output) throws SQLException {
        execute(OLD, "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " status VARCHAR(20))", "INSERT INTO orders SELECT X, 'm-' || MOD(X, 3), X * 1.25,"
                + " CASE MOD(X, 2) WHEN 0 THEN 'paid' ELSE 'new' END FROM SYSTEM_RANGE(1, 500)");
        execute(NEW, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " state VARCHAR(20))");

        assertThat(runJob("backfill")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        Map<String, List<String>> oldRows = rows(OLD, "SELECT id, merchant_id, amount, status FROM orders");
        assertThat(oldRows).hasSize(500);
        assertThat(rows(NEW, "SELECT id, merchant_id, amount, state FROM orders_v2")).isEqualTo(oldRows);
        assertThat(runJob("verify")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        assertThat(runJob("status")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        assertThat(output.getAll()).contains("system phase: DUAL_WRITE")
                .contains("backlog: 0 change-log entries pending").contains("last verification: CLEAN")
                .doesNotContain("jdbc:h2:mem:job_auto");
    }

    private static void execute(String url, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static Map<String, List<String>> rows(String url, String sql) throws SQLException {
        Map<String, List<String>> rows = new java.util.TreeMap<>();
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             var results = statement.executeQuery(sql)) {
            int columns = results.getMetaData().getColumnCount();
            while (results.next()) {
                List<String> values = new java.util.ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    Object value = results.getObject(column);
                    values.add(value instanceof Number number
                            ? new java.math.BigDecimal(number.toString()).stripTrailingZeros().toPlainString()
                            : String.valueOf(value));
                }
                rows.put(values.get(0), values);
            }
        }
        return rows;
    }
}
