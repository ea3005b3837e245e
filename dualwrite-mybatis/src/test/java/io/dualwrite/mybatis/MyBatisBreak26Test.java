package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.ReadStoreOverride;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twenty-sixth break review of the MyBatis module. Each test ends reading both stores row by row with plain JDBC in
 * the test ({@link MyBatisStores#oldRows()}, {@link MyBatisStores#newRows()}).
 */
class MyBatisBreak26Test {

    private static SqlSessionFactory sessions(MyBatisStores stores, LocalCacheScope scope) {
        Configuration configuration = new Configuration(
                new Environment("break26", new JdbcTransactionFactory(), stores.dataSource));
        configuration.setLocalCacheScope(scope);
        configuration.addMapper(Break26Mapper.class);
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

    private static String read(SqlSession session, String mapper) {
        return mapper.equals("local") ? session.getMapper(Break26Mapper.class).statusOf(1, "m-1")
                : session.getMapper(Break25CachedMapper.class).statusOf(1, "m-1");
    }

    // MyBatis' first-level (local) cache inside one session, read again routed to the other store for one call
    // (ReadStoreOverride: what the starter's @DualRead merged and shadow reads open). The session's connection is
    // already on the store its phase reads (the old store in DUAL_WRITE, the new one in NEW_PRIMARY), and a read
    // routed to the other store on that connection is refused by the data source ("open the override before the
    // connection is first used"). The local cache keys entries by statement, parameters and SQL, so the routed read
    // was answered from the entry of the plain read of the same session: the first store's row passed for the other
    // store's (a merged read then merged a store with itself, a shadow read compared it with itself), and the
    // refusal never came. Expected: the routed read reaches the data source and is refused; the plain read after it
    // still answers the connection's store. Members: a mapper without a second-level cache ("local") and one with it
    // ("cached", whose key round 25 made name the new store only by the connection's store).
    @ParameterizedTest
    @CsvSource({"H2,DUAL_WRITE,local", "H2,NEW_PRIMARY,local", "H2,DUAL_WRITE,cached", "H2,NEW_PRIMARY,cached",
            "POSTGRES,DUAL_WRITE,local", "POSTGRES,NEW_PRIMARY,local", "POSTGRES,DUAL_WRITE,cached",
            "POSTGRES,NEW_PRIMARY,cached",
            "MARIADB,DUAL_WRITE,local", "MARIADB,NEW_PRIMARY,local", "MARIADB,DUAL_WRITE,cached",
            "MARIADB,NEW_PRIMARY,cached"})
    void aReadRoutedToTheOtherStoreInsideASessionIsNeverAnsweredFromTheSessionsLocalCache(
            Kind kind, MigrationPhase phase, String mapper) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            driftedRow(stores);
            SqlSessionFactory sessions = sessions(stores, LocalCacheScope.SESSION);
            stores.merchantPhase("m-1", phase);
            String own = phase.authoritative() == Store.NEW ? "NEW" : "PAID";
            try (SqlSession session = sessions.openSession()) {
                assertThat(read(session, mapper)).isEqualTo(own);
                try (ReadStoreOverride.Scope routed = ReadStoreOverride.open(MyBatisStores.MIGRATION,
                        phase.authoritative().other())) {
                    assertThatThrownBy(() -> read(session, mapper)).as("routed to the %s store on a %s connection",
                                    phase.authoritative().other(), phase.authoritative())
                            .isInstanceOf(PersistenceException.class)
                            .hasMessageContaining("ReadStoreOverride");
                }
                assertThat(read(session, mapper)).isEqualTo(own);
            }
            assertStoresAsSetUp(stores);
        }
    }

    // Guards: with localCacheScope=STATEMENT MyBatis clears the local cache after each statement, so the routed read
    // reaches the data source (refused); a session opened inside the override reads the other store, and a session
    // opened after it reads the phase's store again, the local cache of each session being its own.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aStatementScopedLocalCacheAndSessionsOpenedInsideTheOverrideReadTheirOwnStore(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            driftedRow(stores);
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory statementScoped = sessions(stores, LocalCacheScope.STATEMENT);
            try (SqlSession session = statementScoped.openSession()) {
                assertThat(read(session, "local")).isEqualTo("PAID");
                try (ReadStoreOverride.Scope routed = ReadStoreOverride.open(MyBatisStores.MIGRATION, Store.NEW)) {
                    assertThatThrownBy(() -> read(session, "local")).isInstanceOf(PersistenceException.class)
                            .hasMessageContaining("ReadStoreOverride");
                }
            }
            SqlSessionFactory sessions = sessions(stores, LocalCacheScope.SESSION);
            try (ReadStoreOverride.Scope routed = ReadStoreOverride.open(MyBatisStores.MIGRATION, Store.NEW);
                 SqlSession session = sessions.openSession()) {
                assertThat(read(session, "local")).isEqualTo("NEW");
                assertThat(read(session, "local")).isEqualTo("NEW");
            }
            try (SqlSession session = sessions.openSession()) {
                assertThat(read(session, "local")).isEqualTo("PAID");
            }
            assertStoresAsSetUp(stores);
        }
    }

    private static SqlSessionFactory providerSessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break26p", new JdbcTransactionFactory(), stores.dataSource));
        configuration.addMapper(Break26ProviderMapper.class);
        MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    // A provider (@InsertProvider) that writes the merchant id into the SQL as a literal its Java code normalises
    // ("'" + merchantNo.trim() + "'", .strip().toLowerCase()), called with " m-1 " or "M-1 " (left by round 24). The id
    // was read from the parameter's property, a merchant no switch names, so with no merchant column mapped m-1's
    // rows (DUAL_WRITE) were written under the system's OLD_ONLY: never copied, nothing recorded. Expected: the id is
    // the literal the SQL writes where it is the property's but for case and white space around it; m-1's rows are
    // mirrored, m-2's are not, nothing recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aProviderWritingTheMerchantAsANormalisedLiteralOpensThatMerchantsContext(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                Break26ProviderMapper mapper = session.getMapper(Break26ProviderMapper.class);
                mapper.insertTrimmed(new Order(" m-1 ", "NEW", "1.00"));
                mapper.insertLowered(new Order("M-1 ", "NEW", "2.00"));
                mapper.insertTrimmed(new Order(" m-2 ", "NEW", "3.00"));
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 3, 2);
        }
    }

    // A provider writing two literals that are the id but for case ('m-1' and 'M-1', from "m-1 "): which one is the
    // call's merchant is not known. Before, the id was the property's "m-1 " (the system's OLD_ONLY): m-1's row never
    // reached the new store, nothing recorded. Expected: the write has no merchant, and the data source records one
    // scoped resync of the table (rows-not-attributable) for the rows it cannot attribute.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aProviderWritingTheIdInTwoSpellingsLeavesTheWriteUnattributedAndRecorded(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                session.getMapper(Break26ProviderMapper.class).insertTwoSpellings(new Order("m-1 ", "NEW", "1.00"));
            }
            assertThat(stores.oldRows()).hasSize(2);
            assertThat(stores.oldDb.query("SELECT operation, reason FROM dualwrite_change_log"))
                    .extracting(row -> row.get("operation") + " " + row.get("reason"))
                    .containsExactly("RESYNC rows-not-attributable");
            assertThat(stores.newRows()).as("nothing synced; the resync recorded names the table").isEmpty();
        }
    }

    // The same through an @UpdateProvider whose WHERE names the merchant as a lowered literal, m-1 in NEW_PRIMARY:
    // the update took the context of " M-1" (the system's OLD_ONLY) and ran on the old store alone, the new store,
    // m-1's authority, keeping the row as it was, unrecorded. Expected: it runs under m-1's phase (on the new store,
    // then synced to the old one): both stores hold PAID.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void anUpdateProviderWritingTheMerchantAsALoweredLiteralRunsUnderThatMerchantsPhase(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                assertThat(session.getMapper(Break26ProviderMapper.class).updateStatusLowered(1, " M-1", "PAID"))
                        .isEqualTo(1);
            }
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
            assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    // Guards: a provider writing the merchant literally as given ("m-1"), and one binding it (#{merchantNo}), keep
    // the property's id: m-1's rows are mirrored (DUAL_WRITE) and its update runs under its phase (NEW_PRIMARY).
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aProviderWritingTheMerchantAsGivenOrBoundKeepsThePropertysId(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                Break26ProviderMapper mapper = session.getMapper(Break26ProviderMapper.class);
                mapper.insertAsGiven(new Order("m-1", "NEW", "1.00"));
                mapper.insertAsGiven(new Order("m-2", "NEW", "2.00"));
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 2, 1);
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = providerSessions(stores).openSession(true)) {
                assertThat(session.getMapper(Break26ProviderMapper.class).updateStatusBound(1, "m-1", "PAID"))
                        .isEqualTo(1);
            }
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
            assertThat(stores.oldRowsOf("m-1")).isEqualTo(stores.newRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    // A mapper statement whose method name a default interface method overloads (updateStatus(long id, …) and a
    // default updateStatus(merchantNo, status) calling it with id 0). A primitive @Param("id") of 0 is no order id
    // (round 10), which the interceptor learns from the statement's method; with two methods of that name it read
    // none, so 0 was order "0" again: with order pinning on, m-2's call (OLD_ONLY) pinned order "0", and m-1's same
    // call after it ran under that pin, its update never reaching the new store, unrecorded. MyBatis makes statements
    // of abstract methods only, so the default one is not the statement's. Expected: m-1's update mirrored, nothing
    // pinned, nothing recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aStatementOverloadedByADefaultMethodStillTakesAPrimitiveZeroForNoOrderId(Kind kind) throws Exception {
        io.dualwrite.switches.OrderPinStore pins = io.dualwrite.switches.OrderPinStores.inMemory();
        try (MyBatisStores stores = new MyBatisStores(kind, MyBatisStores.MAPPING, pins)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource,
                    ContextRules.builder(MyBatisStores.MIGRATION).orderIdPath("id").merchantIdPath("merchantNo").build(),
                    OrderMapper.class, Break26OverloadedMapper.class);
            Order first = new Order("m-1", "NEW", "1.00");
            Order second = new Order("m-2", "NEW", "2.00");
            try (SqlSession session = sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).insert(first);
                session.getMapper(OrderMapper.class).insert(second);
                Break26OverloadedMapper mapper = session.getMapper(Break26OverloadedMapper.class);
                assertThat(mapper.updateStatus("m-2", "PAID")).isEqualTo(1);
                assertThat(mapper.updateStatus(0, "m-1", "PAID")).isEqualTo(1);
            }
            assertThat(stores.oldRows().get(first.getId())).contains(" PAID ");
            assertThat(pins.find(MyBatisStores.MIGRATION, "0")).isEmpty();
            assertThat(stores.newRows()).isEqualTo(stores.oldRowsOf("m-1")).containsOnlyKeys(first.getId());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    // Guard (held when written): DualWriteMappers (two session factories) names a write of Builder.statement by mapper
    // and method name, so a default method overloading the statement's name (delete(Order) calling delete(long id,
    // merchantNo)) takes the statement's write too, its key argument 0 being the Order. Expected: the row deleted in
    // both stores, nothing recorded (no spurious key-unknown resync in the backlog).
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aDefaultMethodOverloadingAMarkedStatementIsNotTakenForTheStatementsWrite(Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            Break26TwoStoreOverloadedMapper orders = stores.mappers(Break26TwoStoreOverloadedMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build())
                    .statement(Break26TwoStoreOverloadedMapper.class.getName() + ".delete", "orders", 0,
                            io.dualwrite.changelog.Operation.DELETE)
                    .build().mapper(Break26TwoStoreOverloadedMapper.class);
            Order kept = new Order("m-1", "NEW", "1.00");
            Order gone = new Order("m-1", "NEW", "2.00");
            orders.insert(kept);
            orders.insert(gone);
            assertThat(orders.delete(gone)).isEqualTo(1);
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).containsOnlyKeys(kept.getId());
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLogEntries()).isEmpty();
        }
    }

    // A read with a new-store counterpart (NewStoreReads, a table split in two on the new store) routed to a store for
    // one call by a ReadStoreOverride, in a fresh session: the interceptor chose the statement by the call's phase
    // alone, so with m-1 in DUAL_WRITE a read routed to the new store ran the old table's SQL there (refused by the new
    // store: no column amount in order_heads), and with m-1 in NEW_PRIMARY a read routed to the old store ran the
    // split tables' SQL on the old store: a @DualRead shadow or merged read of such a mapper failed on the other store
    // every time, counted as an error, never compared. Expected: the statement of the store the read is routed to;
    // each store's own row (the new store holds ON-NEW, the old one NEW).
    @ParameterizedTest
    @CsvSource({"H2,DUAL_WRITE", "H2,NEW_PRIMARY", "POSTGRES,DUAL_WRITE", "POSTGRES,NEW_PRIMARY",
            "MARIADB,DUAL_WRITE", "MARIADB,NEW_PRIMARY"})
    void aReadRoutedToTheOtherStoreRunsAsThatStoresStatement(Kind kind, MigrationPhase phase) throws Exception {
        try (SplitTableTest.Split split = new SplitTableTest.Split(kind)) {
            split.switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            Order first = new Order("m-1", "NEW", "10.00");
            try (SqlSession session = split.sessions.openSession(true)) {
                session.getMapper(OrderMapper.class).insert(first);
            }
            split.switchboard.switchStore().setMerchantPhase("orders", "m-1", phase);
            split.newDb.execute("UPDATE order_heads SET status = 'ON-NEW'"); // only the new store says so
            Store other = phase.authoritative().other();
            try (ReadStoreOverride.Scope routed = ReadStoreOverride.open("orders", other);
                 SqlSession session = split.sessions.openSession(true)) {
                Order read = session.getMapper(OrderMapper.class).selectByMerchant(first.getId(), "m-1");
                assertThat(read.getStatus()).as("routed to the %s store", other)
                        .isEqualTo(other == Store.NEW ? "ON-NEW" : "NEW");
                assertThat(read.getAmount()).isEqualByComparingTo("10.00");
            }
            try (SqlSession session = split.sessions.openSession(true)) {
                assertThat(session.getMapper(OrderMapper.class).selectByMerchant(first.getId(), "m-1").getStatus())
                        .isEqualTo(phase.authoritative() == Store.NEW ? "ON-NEW" : "NEW");
            }
            assertThat(split.oldRowsOf("m-1").get(first.getId())).endsWith("NEW 10");
            assertThat(split.newRows().get(first.getId())).endsWith("ON-NEW 10");
            assertThat(split.changeLogEntries()).isZero();
        }
    }
}
