package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.ReadStoreOverride;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.apache.ibatis.type.JdbcType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round 27b break review of the MyBatis module: what round 27 left. Each test ends reading both stores row by row with
 * plain JDBC in the test ({@link MyBatisStores#oldRows()}, {@link MyBatisStores#newRows()}, the change log's rows).
 * A member holds when the stores end equal for the merchants that mirror, or the difference is recorded.
 */
class MyBatisBreak27bTest {

    private static SqlSessionFactory sessions(MyBatisStores stores, Configuration configuration) {
        configuration.addMapper(Break27bMapper.class);
        MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static Configuration configuration(MyBatisStores stores) {
        return new Configuration(new Environment("break27b", new JdbcTransactionFactory(), stores.dataSource));
    }

    private static SqlSessionFactory sessions(MyBatisStores stores) {
        return sessions(stores, configuration(stores));
    }

    private static List<String> changeLog(MyBatisStores stores) {
        return stores.oldDb.query("SELECT operation, reason FROM dualwrite_change_log").stream()
                .map(row -> row.get("operation") + " " + row.get("reason")).toList();
    }

    /** The old store's rows of the merchants given, read with plain JDBC. */
    private static Map<Long, String> oldRowsOf(MyBatisStores stores, Set<String> merchants) {
        Map<Long, String> rows = new TreeMap<>(stores.oldRows());
        rows.values().removeIf(row -> !merchants.contains(row.split(" ")[1]));
        return rows;
    }

    /**
     * Holds: nothing recorded and the new store holds exactly the old rows of the merchants that mirror, or the
     * difference is recorded in the change log.
     */
    private static void assertMirroredOrRecorded(MyBatisStores stores, Set<String> mirroring) {
        if (changeLog(stores).isEmpty()) {
            assertThat(stores.newRows()).as("nothing recorded, so the new store must hold the rows of %s", mirroring)
                    .isEqualTo(oldRowsOf(stores, mirroring));
        }
    }

    // A provider that computes the merchant value WITHOUT the id's text (round 27 left it): a look-up table (the
    // application's code "acme" → merchant m-1) and a hash ("acme" → a shard name). The column receives m-1 or the
    // shard, whom the switches name (DUAL_WRITE); is the write mirrored, or recorded?
    @ParameterizedTest
    @CsvSource({"H2,lookedUp", "H2,hashed", "H2,record", "POSTGRES,lookedUp", "POSTGRES,hashed", "MARIADB,lookedUp",
            "MARIADB,hashed", "MARIADB,record"})
    void aProviderWritingAMerchantLookedUpOrHashedFromTheIdIsMirroredOrRecorded(Kind kind, String member)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            String merchant = member.equals("hashed") ? Break27bMapper.Sql.shard("acme") : "m-1";
            stores.merchantPhase(merchant, MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                if (member.equals("lookedUp")) {
                    mapper.insertLookedUp(new Order("acme", "NEW", "1.00"));
                } else if (member.equals("record")) { // a record: no setter, no no-argument constructor to copy by
                    mapper.insertLookedUpRecord(new Break27bOrderRecord("acme", "NEW", new BigDecimal("1.00")));
                } else {
                    mapper.insertHashed(new Order("acme", "NEW", "1.00"));
                }
            }
            assertThat(stores.oldRowsOf(merchant)).as(member).hasSize(1);
            assertMirroredOrRecorded(stores, Set.of(merchant));
        }
    }

    // The same through an @UpdateProvider whose WHERE names the looked-up merchant, m-1 in NEW_PRIMARY: both stores
    // PAID, or the write recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void anUpdateProviderNamingALookedUpMerchantIsMirroredOrRecorded(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = sessions(stores).openSession(true)) {
                assertThat(session.getMapper(Break27bMapper.class).updateLookedUp(1, "acme", "PAID")).isEqualTo(1);
            }
            if (changeLog(stores).isEmpty()) {
                assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
                assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            }
        }
    }

    // A String handler registered for one JDBC type only (VARCHAR), binding text stripped and lowered; the mapping
    // names that JDBC type (#{merchantNo, jdbcType=VARCHAR}), so the column receives m-1 from " M-1 ".
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aTextIdBoundThroughAStringHandlerOfOneJdbcTypeIsTheValueItBinds(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Configuration configuration = configuration(stores);
            configuration.getTypeHandlerRegistry().register(String.class, JdbcType.VARCHAR,
                    new Break27NormalisingStringHandler());
            try (SqlSession session = sessions(stores, configuration).openSession(true)) {
                session.getMapper(Break27bMapper.class).insertVarchar(new Order(" M-1 ", "NEW", "1.00"));
                session.getMapper(Break27bMapper.class).insertVarchar(new Order("m-2", "NEW", "2.00"));
            }
            assertThat(stores.oldRowsOf("m-1")).as("the column holds the handler's value").hasSize(1);
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // The same in dynamic SQL (<trim>, <if>), whose mappings MyBatis makes per call, and in a <foreach> multi-row
    // insert (#{o.merchantNo, jdbcType=VARCHAR}): m-1's rows written from " M-1 " and "M-1 " must reach the new store,
    // or be recorded.
    @ParameterizedTest
    @CsvSource({"H2,dynamic", "POSTGRES,dynamic", "MARIADB,dynamic", "H2,foreach", "POSTGRES,foreach",
            "MARIADB,foreach"})
    void aTextIdBoundInDynamicSqlThroughAStringHandlerOfOneJdbcTypeIsTheValueItBinds(Kind kind, String member)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Configuration configuration = configuration(stores);
            configuration.getTypeHandlerRegistry().register(String.class, JdbcType.VARCHAR,
                    new Break27NormalisingStringHandler());
            try (SqlSession session = sessions(stores, configuration).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                if (member.equals("dynamic")) {
                    mapper.insertVarcharDynamic(new Order(" M-1 ", "NEW", "1.00"));
                    mapper.insertVarcharDynamic(new Order("m-2", "NEW", "2.00"));
                } else {
                    mapper.insertAllVarchar(List.of(new Order(" M-1 ", "NEW", "1.00"), new Order("M-1 ", "NEW", "2.00")));
                    mapper.insertAllVarchar(List.of(new Order("m-2", "NEW", "3.00")));
                }
            }
            assertThat(stores.oldRowsOf("m-1")).as("the column holds the handler's value").hasSize(member.equals(
                    "dynamic") ? 1 : 2);
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // A value-object merchant id (its toString() is not its value) bound through the handler registered for its type.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void aValueObjectMerchantIdIsTheValueItsHandlerBinds(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Configuration configuration = configuration(stores);
            configuration.getTypeHandlerRegistry().register(Break27bMerchantId.class, new Break27bMerchantIdHandler());
            try (SqlSession session = sessions(stores, configuration).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                mapper.insertWithMerchantId(new Break27bMerchantId("m-1"), "NEW", new BigDecimal("1.00"));
                mapper.insertWithMerchantId(new Break27bMerchantId("m-2"), "NEW", new BigDecimal("2.00"));
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // A plain Map parameter holding the merchant id under the path's name.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"MARIADB"})
    void aMapParameterHoldingTheMerchantIdIsMirrored(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                for (String merchant : List.of("m-1", "m-2")) {
                    Map<String, Object> row = new HashMap<>();
                    row.put("merchantNo", merchant);
                    row.put("status", "NEW");
                    row.put("amount", new BigDecimal("3.00"));
                    mapper.insertMap(row);
                }
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // One <foreach> update touching rows of m-1 (NEW_PRIMARY) and m-2 (DUAL_WRITE), named by a list of orders or by a
    // list of merchant numbers under the path's name: both stores PAID for both, or recorded.
    @ParameterizedTest
    @CsvSource({"H2,orders", "H2,merchants", "POSTGRES,orders", "MARIADB,merchants"})
    void aForeachUpdateAcrossMerchantsInDifferentPhasesIsMirroredOrRecorded(Kind kind, String member)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00),"
                    + " (2, 'm-2', 'NEW', 2.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00), (2, 'm-2', 'NEW', 2.00)");
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            stores.merchantPhase("m-2", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                if (member.equals("orders")) {
                    Order first = new Order("m-1", "NEW", "1.00");
                    first.setId(1L);
                    Order second = new Order("m-2", "NEW", "2.00");
                    second.setId(2L);
                    assertThat(mapper.payAll(List.of(first, second), "PAID")).isEqualTo(2);
                } else {
                    assertThat(mapper.payMerchants(List.of("m-1", "m-2"), "PAID")).isEqualTo(2);
                }
            }
            if (changeLog(stores).isEmpty()) {
                assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1", 2L, "2 m-2 PAID 2"));
                assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            }
        }
    }

    // A key from a sequence by <selectKey order="BEFORE"> (NEXT VALUE FOR on H2 and MariaDB, nextval on PostgreSQL),
    // the key property bound as the row's id; and <selectKey order="AFTER"> reading the key back.
    @ParameterizedTest
    @CsvSource({"H2,before", "POSTGRES,before", "MARIADB,before", "H2,after", "POSTGRES,after", "MARIADB,after"})
    void aSelectKeysKeyIsTheMirroredRowsKey(Kind kind, String order) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("CREATE SEQUENCE order_ids START WITH 500");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            List<Order> written = new ArrayList<>();
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                for (String merchant : List.of("m-1", "m-2", "m-1")) {
                    Order row = new Order(merchant, "NEW", "4.00");
                    if (order.equals("after")) {
                        mapper.insertKeyedAfter(row);
                    } else if (kind == Kind.POSTGRES) {
                        mapper.insertKeyedBeforeByNextval(row);
                    } else {
                        mapper.insertKeyedBeforeBySequence(row);
                    }
                    written.add(row);
                }
            }
            assertThat(written).extracting(Order::getId).doesNotContainNull();
            assertThat(stores.oldRows().keySet()).containsExactlyInAnyOrderElementsOf(
                    written.stream().map(Order::getId).toList());
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // <selectKey order="AFTER"> reading the connection's last key (LAST_INSERT_ID() on MariaDB, lastval() on
    // PostgreSQL), for a mirrored insert (m-1, then m-2, then m-1) and for inserts the library records instead (the
    // looked-up provider): anything the library writes on the caller's connection between the insert and the key's
    // query (a change-log row, a key of its own) would make the key another table's. The key property must be the
    // row's id, as over the raw driver.
    @ParameterizedTest
    @CsvSource({"POSTGRES,mirrored", "POSTGRES,recorded", "MARIADB,mirrored", "MARIADB,recorded"})
    void aSelectKeyAfterReadingTheConnectionsLastKeyIsTheRowsId(Kind kind, String member) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            // the orders' keys far from the change log's, so that a key of the wrong table shows
            stores.oldDb.execute(kind == Kind.POSTGRES ? "ALTER SEQUENCE orders_id_seq RESTART WITH 1000"
                    : "ALTER TABLE orders AUTO_INCREMENT = 1000");
            List<Order> written = new ArrayList<>();
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break27bMapper mapper = session.getMapper(Break27bMapper.class);
                for (String merchant : List.of("m-1", "m-2", "m-1")) {
                    Order row = new Order(member.equals("recorded") ? "acme" : merchant, "NEW", "4.00");
                    if (member.equals("recorded")) {
                        if (kind == Kind.POSTGRES) {
                            mapper.insertLookedUpKeyedByLastval(row);
                        } else {
                            mapper.insertLookedUpKeyedByLastInsertId(row);
                        }
                    } else if (kind == Kind.POSTGRES) {
                        mapper.insertKeyedByLastval(row);
                    } else {
                        mapper.insertKeyedByLastInsertId(row);
                    }
                    written.add(row);
                }
            }
            assertThat(written).extracting(Order::getId).containsExactlyElementsOf(stores.oldRows().keySet());
            if (member.equals("recorded")) {
                assertThat(changeLog(stores)).as("the looked-up provider's inserts are recorded").isNotEmpty();
            }
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // A <foreach> multi-row insert with generated keys (keyProperty list.id) through the BATCH executor, two merchants'
    // rows in three calls. MyBatis cannot set batch keys on a list parameter (its CollectionWrapper refuses): the caller
    // must see what MyBatis over the raw driver shows (the same failure at the flush, nothing committed), and the
    // stores must end equal for the mirrored merchant, or recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aForeachInsertWithKeysThroughTheBatchExecutorFailsAsOverTheRawDriver(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind);
             io.dualwrite.jdbc.testing.TestDatabase raw = io.dualwrite.jdbc.testing.TestDatabases.create(kind);
             io.dualwrite.jdbc.testing.TestDatabase rawNew = io.dualwrite.jdbc.testing.TestDatabases.create(kind)) {
            MyBatisBreakSupport.createOrders(kind, raw, rawNew, "orders_v2", "amount_total");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            String dual = batchOfForeachInserts(sessions(stores));
            String direct = batchOfForeachInserts(MyBatisBreakSupport.sessions(raw.dataSource(), null,
                    Break27bMapper.class));
            assertThat(dual).isEqualTo(direct);
            assertThat(stores.oldRows()).isEqualTo(MyBatisBreakSupport.rows(raw));
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    /** Three multi-row inserts in one BATCH session, committed: the failure's class and cause, or "committed". */
    private static String batchOfForeachInserts(SqlSessionFactory sessions) {
        try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
            Break27bMapper mapper = session.getMapper(Break27bMapper.class);
            mapper.insertAll(MyBatisBreakSupport.two("m-1", "1.00", "2.00"));
            mapper.insertAll(MyBatisBreakSupport.two("m-2", "3.00", "4.00"));
            mapper.insertAll(MyBatisBreakSupport.two("m-1", "5.00", "6.00"));
            session.commit();
            return "committed";
        } catch (RuntimeException failed) {
            Throwable root = failed;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return failed.getClass().getName() + " / " + root.getClass().getName();
        }
    }

    // The second-level cache (@CacheNamespace) and reads routed to one store for one call (ReadStoreOverride: the
    // starter's shadow and merged reads): row 1 of m-1 drifted (old PAID, new NEW), m-1 in DUAL_WRITE (reads on the
    // old store). A routed read must not be answered from, nor fill, the phase's entries, and after a move to
    // NEW_PRIMARY a plain read must not be answered with the old store's entry. Each read in its own committed
    // session, so that the cache holds what it read.
    @ParameterizedTest
    @CsvSource({"H2,routedThenPlain", "H2,plainThenRouted", "H2,plainThenMoved", "POSTGRES,routedThenPlain",
            "POSTGRES,plainThenMoved", "MARIADB,routedThenPlain"})
    void aCachedReadIsAnsweredFromTheStoreItIsRoutedTo(Kind kind, String member) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'PAID', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = sessions(stores);
            List<String> seen = new ArrayList<>();
            for (String step : member.split("Then")) {
                if (step.equalsIgnoreCase("moved")) {
                    stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
                }
                boolean routed = step.equals("routed") || step.equals("Routed");
                try (ReadStoreOverride.Scope scope = routed
                        ? ReadStoreOverride.open(MyBatisStores.MIGRATION, Store.NEW) : null;
                     SqlSession session = sessions.openSession()) {
                    seen.add(session.getMapper(Break27bMapper.class).selectCached(1, "m-1").getStatus());
                    session.commit();
                }
            }
            List<String> expected = switch (member) {
                case "routedThenPlain" -> List.of("NEW", "PAID");
                case "plainThenRouted" -> List.of("PAID", "NEW");
                default -> List.of("PAID", "NEW");
            };
            assertThat(seen).isEqualTo(expected);
            assertThat(stores.oldRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 NEW 1"));
        }
    }
}
