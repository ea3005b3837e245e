package io.dualwrite.examples.mybatis;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Plain MyBatis (no Spring): the application keeps its annotated and XML mappers and only builds its
 * {@link SqlSessionFactory} over a {@link DualWriteDataSource}, with the {@link MigrationContextInterceptor} reading
 * the merchant of every mapper call from its parameter ({@code merchantNo}). Merchant m-1 double-writes, m-2 stays
 * on the old store; the application never opens a context. {@code MyBatisQuickStartTest} runs it.
 */
public final class MyBatisQuickStart {

    /** What the run saw. Rows are "id merchant status amount" strings, in id order. */
    public record Outcome(List<String> oldRows, List<String> newRows, long firstId) {
    }

    private static final AtomicLong RUNS = new AtomicLong();

    private MyBatisQuickStart() {
    }

    public static Outcome run() throws SQLException {
        String run = Long.toString(RUNS.incrementAndGet());
        DataSource oldStore = h2("mybatis_old_" + run);
        DataSource newStore = h2("mybatis_new_" + run);
        execute(oldStore, "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_no VARCHAR(20),"
                + " status VARCHAR(20), amount DECIMAL(12,2))");
        execute(newStore, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_no VARCHAR(20),"
                + " status VARCHAR(20), amount_total DECIMAL(12,2))");
        DualWriteSchema.create(oldStore);

        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("orders")).build();
        try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldStore))
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()) // ASYNC is the default
                .build()) {
            DataSource dataSource = DualWriteDataSource.builder()
                    .oldDataSource(oldStore).newDataSource(newStore).migration("orders").dualWriter(writer)
                    .mapping(TableMapping.builder("orders").newTable("orders_v2").rename("amount", "amount_total").build())
                    .build();

            // MyBatis as before, over the double-writing data source, plus the interceptor.
            Configuration configuration = new Configuration(
                    new Environment("app", new JdbcTransactionFactory(), dataSource));
            configuration.addMapper(ShopOrderMapper.class);
            configuration.addMapper(ShopOrderXmlMapper.class);           // loads ShopOrderXmlMapper.xml beside it
            MigrationContextInterceptor.install(configuration, ContextRules.builder("orders")
                    .merchantIdPath("merchantNo")                        // a bean property or a @Param name
                    .statement("io.dualwrite.examples.mybatis.ShopOrderXmlMapper.insertAll", null, "orders.merchantNo")
                    .build());                                           // checked against the mappers now
            SqlSessionFactory sessions = new SqlSessionFactoryBuilder().build(configuration);

            switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);

            ShopOrder first = new ShopOrder("m-1", "NEW", "100.00");
            try (SqlSession session = sessions.openSession()) {
                ShopOrderMapper orders = session.getMapper(ShopOrderMapper.class);
                ShopOrderXmlMapper xml = session.getMapper(ShopOrderXmlMapper.class);
                orders.insert(first);                                    // first.getId(): the old store's key
                orders.insert(new ShopOrder("m-2", "NEW", "50.00"));     // OLD_ONLY: never reaches the new store
                xml.insertAll(List.of(new ShopOrder("m-1", "NEW", "7.00"), new ShopOrder("m-1", "NEW", "8.00")));
                xml.updateStatus(first.getId(), "m-1", "PAID");
                session.commit();                                        // the touched m-1 rows are synced now
            }
            return new Outcome(rows(oldStore, "SELECT id, merchant_no, status, amount FROM orders"),
                    rows(newStore, "SELECT id, merchant_no, status, amount_total FROM orders_v2"), first.getId());
        }
    }

    private static DataSource h2(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        return h2;
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> rows(DataSource dataSource, String select) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(select + " ORDER BY 1")) {
            while (result.next()) {
                rows.add(result.getLong(1) + " " + result.getString(2) + " " + result.getString(3) + " "
                        + result.getBigDecimal(4));
            }
        }
        return rows;
    }

    public static void main(String[] args) throws SQLException {
        Outcome outcome = run();
        System.out.println("old store rows: " + outcome.oldRows());
        System.out.println("new store rows: " + outcome.newRows());
    }
}
