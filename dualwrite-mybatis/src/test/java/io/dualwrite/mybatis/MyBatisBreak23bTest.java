package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 23b: round 23's fixes attacked, the ids' text ({@code IdText}) through MyBatis. Each test ends comparing both
 * stores row by row with plain JDBC in the test.
 */
class MyBatisBreak23bTest {

    // A merchant id held as a double or a float (a bean generated from a FLOAT column, a JSON number) written into an
    // integer column. Round 23's IdText made a BigDecimal's text canonical but took any other number's toString():
    // Double 7.0 ran as merchant "7.0", Float 7.0f as "7.0", 1e1 as "10.0" and -0.0 as "-0.0", whom no switch names,
    // so the system's OLD_ONLY applied and those DUAL_WRITE merchants' rows (7, 10, 0) never reached the new store,
    // unrecorded, while the copier reads the row's merchant from its column as 7, 10 and 0 (all failed before the
    // fix). Expected: an integral double or float is its integer's text, a negative zero is 0, so merchants 7, 10
    // and 0 are mirrored, and merchant 8 (OLD_ONLY, written as 8.0) is not.
    @ParameterizedTest
    @CsvSource({"H2", "POSTGRES", "MARIADB"})
    void aMerchantIdHeldAsADoubleOrFloatIsTheMerchantTheSwitchesName(Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE float_orders (id BIGINT PRIMARY KEY, merchant_no BIGINT NOT NULL,"
                        + " status VARCHAR(20) NOT NULL)");
            }
            DualWriteSchema.create(oldDb.dataSource());
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("orders")).build();
            for (String merchant : List.of("7", "10", "0")) {
                switchboard.switchStore().setMerchantPhase("orders", merchant, MigrationPhase.DUAL_WRITE);
            }
            try (DualWriter writer = DualWriter.builder().resolver(switchboard)
                    .changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build()) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder()
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).migration("orders")
                        .dualWriter(writer).mapping(TableMapping.identity("float_orders")).build();
                SqlSessionFactory sessions = MyBatisBreakSupport.sessions(dataSource,
                        ContextRules.builder("orders").merchantIdPath("merchantNo").build(),
                        Break23bFloatMerchantMapper.class);
                try (SqlSession session = sessions.openSession(true)) {
                    Break23bFloatMerchantMapper mapper = session.getMapper(Break23bFloatMerchantMapper.class);
                    mapper.insert(new Break23bFloatMerchantMapper.FloatOrder(1, 7.0d, "NEW"));
                    mapper.insert(new Break23bFloatMerchantMapper.FloatOrder(2, 7.0f, "NEW"));
                    mapper.insert(new Break23bFloatMerchantMapper.FloatOrder(3, 1e1d, "NEW"));
                    mapper.insert(new Break23bFloatMerchantMapper.FloatOrder(4, -0.0d, "NEW"));
                    mapper.insert(new Break23bFloatMerchantMapper.FloatOrder(5, 8.0d, "NEW"));
                    mapper.updateStatus(1, 7.0d, "PAID");
                }
                assertThat(rows(oldDb, "SELECT id, status FROM float_orders ORDER BY id")).hasSize(5);
                assertThat(rows(newDb, "SELECT id, status FROM float_orders ORDER BY id"))
                        .isEqualTo(rows(oldDb,
                                "SELECT id, status FROM float_orders WHERE merchant_no IN (7, 10, 0) ORDER BY id"))
                        .containsEntry("1", "PAID").hasSize(4);
                assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
            }
        }
    }

    private static Map<String, String> rows(TestDatabase db, String sql) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection connection = db.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.put(result.getString(1), result.getString(2));
            }
        }
        return rows;
    }
}
