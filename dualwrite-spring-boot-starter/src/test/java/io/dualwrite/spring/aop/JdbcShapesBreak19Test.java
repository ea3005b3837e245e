package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Nineteenth break review of the annotations, held and kept as guards: {@code @DualWrite} methods writing through
 * {@code JdbcTemplate.batchUpdate}, {@code NamedParameterJdbcTemplate} (one statement and a batch), and a raw
 * connection from {@code DataSourceUtils} inside a transaction of the dual-write data source, then a
 * {@code JdbcTemplate} update on the same connection. Only the rows of the merchant in {@code DUAL_WRITE} reach the
 * new store, each as the old store holds it.
 */
class JdbcShapesBreak19Test {

    private final TwoStores stores = TwoStores.h2();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class)
            .withBean(Writes.class);

    @AfterEach
    void tearDown() {
        stores.close();
    }

    /** Writes of several JDBC shapes, each attributed by its {@code @MerchantId}. */
    public static class Writes {
        private final JdbcTemplate jdbc;
        private final DataSource dataSource;

        public Writes(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
            this.dataSource = jdbc.getDataSource();
        }

        @DualWrite
        public void batch(@MerchantId String merchantId, long from) {
            jdbc.batchUpdate("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)",
                    List.of(new Object[] {from, merchantId, "batch"}, new Object[] {from + 1, merchantId, "batch"}));
        }

        @DualWrite
        public void named(@MerchantId String merchantId, long id) {
            NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
            named.update("INSERT INTO orders (id, merchant_id, note) VALUES (:id, :merchant, 'named')",
                    Map.of("id", id, "merchant", merchantId));
            named.batchUpdate("UPDATE orders SET note = :note WHERE id = :id", new SqlParameterSource[] {
                    new MapSqlParameterSource(Map.of("id", id, "note", "named batch"))});
        }

        @DualWrite
        public void utils(@MerchantId String merchantId, long id) {
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(status -> {
                Connection connection = DataSourceUtils.getConnection(dataSource);
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, 'utils')")) {
                    insert.setLong(1, id);
                    insert.setString(2, merchantId);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                } finally {
                    DataSourceUtils.releaseConnection(connection, dataSource);
                }
                jdbc.update("UPDATE orders SET note = 'utils then template' WHERE id = ?", id);
            });
        }
    }

    @Test
    void batchNamedAndDataSourceUtilsWritesReachTheNewStoreForTheDualWriteMerchantOnly() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("B", MigrationPhase.OLD_ONLY);
        runner.run(context -> {
            Writes writes = context.getBean(Writes.class);
            writes.batch("A", 1);
            writes.batch("B", 11);
            writes.named("A", 21);
            writes.named("B", 22);
            writes.utils("A", 31);
            writes.utils("B", 32);
            stores.awaitMirrors();

            assertThat(stores.oldRows()).hasSize(8);
            List<Map<String, Object>> merchantA = stores.oldRows().stream()
                    .filter(row -> "A".equals(row.get("merchant_id"))).toList();
            assertThat(merchantA).extracting(row -> row.get("id")).containsExactly(1L, 2L, 21L, 31L);
            assertThat(stores.newRows()).isEqualTo(merchantA);
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        });
    }
}
