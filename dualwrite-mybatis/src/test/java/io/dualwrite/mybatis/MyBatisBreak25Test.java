package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twenty-fifth break review of the MyBatis module. Each test ends reading both stores row by row with plain JDBC in
 * the test ({@link MyBatisStores#oldRows()}, {@link MyBatisStores#newRows()}).
 */
class MyBatisBreak25Test {

    private static final String XML = MyBatisBreakSupport.XML_MAPPER_HEAD
            + "<mapper namespace=\"io.dualwrite.mybatis.Break25Mapper\">\n"
            + " <insert id=\"insertAllBound\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES\n"
            + "  <foreach collection=\"orders\" item=\"o\" separator=\",\"><bind name=\"m\" value=\"o.merchantNo.trim()\"/>"
            + "(#{m}, #{o.status}, #{o.amount})</foreach>\n"
            + " </insert>\n"
            + " <insert id=\"insertTwo\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{a.merchantNo}, #{a.status}, #{a.amount}),"
            + " (#{b.merchantNo}, #{b.status}, #{b.amount})\n"
            + " </insert>\n"
            + "</mapper>\n";

    private static SqlSessionFactory sessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break25", new JdbcTransactionFactory(), stores.dataSource));
        MyBatisBreakSupport.parseXml(configuration, XML, "break25.xml");
        configuration.addMapper(Break25CachedMapper.class);
        MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /** Row 1 of m-1 in both stores, drifted apart: PAID in the old store, NEW in the new one. */
    private static void driftedRow(MyBatisStores stores) throws Exception {
        stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'PAID', 1.00)");
        stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
    }

    private static void assertStoresAsSetUp(MyBatisStores stores) {
        assertThat(stores.oldRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
        assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 NEW 1"));
        assertThat(stores.changeLogCounts()).isEmpty();
    }

    // A read MyBatis answers from the second-level cache of its namespace (@CacheNamespace) after a switch moved the
    // reads of its merchant to the other store. Row 1 of m-1 differs between the stores (PAID in the old one, NEW in
    // the new one: the drift an operator rolls back for). Read in NEW_PRIMARY (the new store's NEW, right), then m-1
    // rolled back to DUAL_WRITE: the read was answered from the cache with the new store's NEW, where the old store,
    // authoritative again, holds PAID (also NEW_ONLY → OLD_ONLY); and the other way, a read cached in DUAL_WRITE kept
    // answering the old store's PAID after m-1 moved to NEW_PRIMARY. The cache keys entries by statement, parameters
    // and SQL, never by the store they were read from. Expected: each read answers what its phase's authoritative
    // store holds; the stores are left as they were.
    @ParameterizedTest
    @CsvSource({"H2,NEW_PRIMARY,DUAL_WRITE", "H2,DUAL_WRITE,NEW_PRIMARY", "H2,NEW_ONLY,OLD_ONLY",
            "POSTGRES,NEW_PRIMARY,DUAL_WRITE", "POSTGRES,DUAL_WRITE,NEW_PRIMARY", "POSTGRES,NEW_ONLY,OLD_ONLY",
            "MARIADB,NEW_PRIMARY,DUAL_WRITE", "MARIADB,DUAL_WRITE,NEW_PRIMARY", "MARIADB,NEW_ONLY,OLD_ONLY"})
    void aCachedReadAnswersFromTheStoreItsPhaseReadsAfterASwitchMoves(Kind kind, MigrationPhase before,
                                                                       MigrationPhase after) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            driftedRow(stores);
            SqlSessionFactory sessions = sessions(stores);
            stores.merchantPhase("m-1", before);
            try (SqlSession session = sessions.openSession()) {
                assertThat(session.getMapper(Break25CachedMapper.class).statusOf(1, "m-1"))
                        .isEqualTo(before.authoritative() == io.dualwrite.Store.NEW ? "NEW" : "PAID");
            }
            stores.merchantPhase("m-1", after);
            try (SqlSession session = sessions.openSession()) {
                assertThat(session.getMapper(Break25CachedMapper.class).statusOf(1, "m-1"))
                        .as("read in %s after %s", after, before)
                        .isEqualTo(after.authoritative() == io.dualwrite.Store.NEW ? "NEW" : "PAID");
            }
            assertStoresAsSetUp(stores);
        }
    }

    // The same where the read names no merchant (the system's phase picks its store) and where the session's
    // connection is already acquired by an uncached read before the cached one (its store is the connection's).
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aCachedReadWithoutIdsAndOneOnAnAcquiredConnectionAlsoFollowTheMove(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            driftedRow(stores);
            SqlSessionFactory sessions = sessions(stores);
            stores.switchboard.switchStore().setSystemPhase(MyBatisStores.MIGRATION, MigrationPhase.NEW_PRIMARY);
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = sessions.openSession()) {
                Break25CachedMapper mapper = session.getMapper(Break25CachedMapper.class);
                assertThat(mapper.statusById(1)).isEqualTo("NEW");
                assertThat(mapper.countOf("m-1")).isEqualTo(1);
                assertThat(mapper.statusOf(1, "m-1")).isEqualTo("NEW");
            }
            stores.switchboard.switchStore().setSystemPhase(MyBatisStores.MIGRATION, MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions.openSession()) {
                Break25CachedMapper mapper = session.getMapper(Break25CachedMapper.class);
                assertThat(mapper.statusById(1)).as("no ids, system rolled back").isEqualTo("PAID");
                assertThat(mapper.countOf("m-1")).isEqualTo(1);
                assertThat(mapper.statusOf(1, "m-1")).as("on the acquired connection").isEqualTo("PAID");
            }
            assertStoresAsSetUp(stores);
        }
    }

    // The same kind through a read routed to the other store for one call (ReadStoreOverride, what the starter's
    // @DualRead shadow read and merged read open): m-1 in DUAL_WRITE, the read cached from the old store (PAID), then
    // the same read once more routed to the new store was answered from the cache with the old store's PAID, so a
    // shadow read compared the old store with itself and never counted the drift (a false "equal"). Expected: the
    // routed read answers the new store's NEW, and the next plain read the old store's PAID again.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aCachedReadRoutedToTheOtherStoreForOneCallReadsThatStore(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            driftedRow(stores);
            SqlSessionFactory sessions = sessions(stores);
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions.openSession()) {
                assertThat(session.getMapper(Break25CachedMapper.class).statusOf(1, "m-1")).isEqualTo("PAID");
            }
            try (io.dualwrite.jdbc.ReadStoreOverride.Scope routed = io.dualwrite.jdbc.ReadStoreOverride.open(
                    MyBatisStores.MIGRATION, io.dualwrite.Store.NEW); SqlSession session = sessions.openSession()) {
                assertThat(session.getMapper(Break25CachedMapper.class).statusOf(1, "m-1")).as("routed to the new store")
                        .isEqualTo("NEW");
            }
            try (SqlSession session = sessions.openSession()) {
                assertThat(session.getMapper(Break25CachedMapper.class).statusOf(1, "m-1")).isEqualTo("PAID");
            }
            assertStoresAsSetUp(stores);
        }
    }

    // Guards (held when written): a <bind> inside a <foreach> (<bind name="m" value="o.merchantNo.trim()"/>, every
    // element " m-1 ", or " m-1" beside "m-1 ") opens m-1's context and mirrors both rows; two @Param beans of two
    // merchants in one statement (m-2 OLD_ONLY, m-1 DUAL_WRITE) give the write no merchant, so the data source records
    // one scoped resync of the table (rows-not-attributable), never m-2's phase for m-1's row unrecorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aBindInsideAForeachAndTwoBeansOfTwoMerchantsEndWithTheNewStoreHoldingTheMirroredMerchantsRows(Kind kind)
            throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break25Mapper mapper = session.getMapper(Break25Mapper.class);
                mapper.insertAllBound(List.of(new Order(" m-1 ", "NEW", "1.00"), new Order(" m-1 ", "NEW", "2.00")));
                mapper.insertAllBound(List.of(new Order(" m-1", "NEW", "3.00"), new Order("m-1 ", "NEW", "4.00")));
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 4, 4);
            try (SqlSession session = sessions(stores).openSession(true)) {
                session.getMapper(Break25Mapper.class).insertTwo(new Order("m-2", "NEW", "5.00"),
                        new Order("m-1", "NEW", "6.00"));
            }
            assertThat(stores.oldDb.query("SELECT operation, reason FROM dualwrite_change_log"))
                    .extracting(row -> row.get("operation") + " " + row.get("reason"))
                    .containsExactly("RESYNC rows-not-attributable");
            java.util.Map<Long, String> mirrored = new java.util.TreeMap<>(stores.oldRowsOf("m-1"));
            mirrored.keySet().removeIf(id -> id > 4);
            assertThat(stores.oldRows()).hasSize(6);
            assertThat(stores.newRows()).as("the resync recorded names row 6").isEqualTo(mirrored).hasSize(4);
        }
    }
}
