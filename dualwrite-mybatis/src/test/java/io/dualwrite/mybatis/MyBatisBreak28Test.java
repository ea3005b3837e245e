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
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round 28 break review of the MyBatis module: what round 27b left. Each test ends reading both stores row by row with
 * plain JDBC in the test ({@link MyBatisStores#oldRows()}, {@link MyBatisStores#newRows()}, the change log's rows).
 * A member holds when the stores end equal for the merchants that mirror, or the difference is recorded, and the
 * caller saw what MyBatis over the raw driver shows.
 */
class MyBatisBreak28Test {

    /**
     * One old and one new database per kind for all members (see {@link MyBatisStores.Shared}), emptied when a member
     * takes them: two databases and dualwrite's six tables were most of a member's set-up.
     */
    private static final MyBatisStores.Shared SHARED = new MyBatisStores.Shared();

    @org.junit.jupiter.api.AfterAll
    static void closeShared() {
        SHARED.close();
    }

    private static SqlSessionFactory sessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break28", new JdbcTransactionFactory(), stores.dataSource));
        configuration.addMapper(Break28Mapper.class);
        MigrationContextInterceptor.install(configuration, MyBatisStores.RULES_WITHOUT_XML);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static List<String> changeLog(MyBatisStores stores) {
        return stores.oldDb.query("SELECT operation, reason FROM dualwrite_change_log").stream()
                .map(row -> row.get("operation") + " " + row.get("reason")).toList();
    }

    /** Nothing recorded and the new store holds exactly the old rows of {@code mirroring}, or something recorded. */
    private static void assertMirroredOrRecorded(MyBatisStores stores, Set<String> mirroring) {
        if (changeLog(stores).isEmpty()) {
            Map<Long, String> expected = new TreeMap<>(stores.oldRows());
            expected.values().removeIf(row -> !mirroring.contains(row.split(" ")[1]));
            assertThat(stores.newRows()).as("nothing recorded, so the new store must hold the rows of %s", mirroring)
                    .isEqualTo(expected);
        }
    }

    // A provider runs once per call when MyBatis alone runs the statement. The interceptor made the call's SQL itself
    // to read the ids (round 26), and asked the provider once more for a probe (round 27b), before MyBatis made it
    // again: a provider that counts its calls (a metric, a sequence) counted two or three, and one writing its call's
    // number into the SQL (a counter, a clock) had the ids read from a SQL that never ran. Members: a provider binding
    // #{merchantNo} (m-1 DUAL_WRITE), one writing a counter into the status, one writing a literal made from the id
    // ('m-' + "1": a scoped resync recorded), an update by key in NEW_PRIMARY that does not write the merchant.
    // Expected: one call, the row as MyBatis alone writes it (NEW-1), mirrored or recorded.
    @ParameterizedTest
    @CsvSource({"H2,counted", "H2,stamped", "H2,prefixed", "H2,updateById", "POSTGRES,counted", "POSTGRES,stamped",
            "POSTGRES,prefixed", "POSTGRES,updateById", "MARIADB,counted", "MARIADB,stamped", "MARIADB,prefixed",
            "MARIADB,updateById"})
    void aProviderRunsOnceAsMyBatisAloneRunsIt(Kind kind, String member) throws Exception {
        try (MyBatisStores stores = SHARED.take(kind)) {
            stores.merchantPhase("m-1", member.equals("updateById") ? MigrationPhase.NEW_PRIMARY
                    : MigrationPhase.DUAL_WRITE);
            if (member.equals("updateById")) {
                stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)");
                stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            }
            Break28Mapper.Sql.CALLS.set(0);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break28Mapper mapper = session.getMapper(Break28Mapper.class);
                switch (member) {
                    case "counted" -> mapper.insertCounted(new Order("m-1", "NEW", "1.00"));
                    case "stamped" -> mapper.insertStamped(new Order("m-1", "NEW", "1.00"));
                    case "prefixed" -> mapper.insertPrefixedCounted(new Order("1", "NEW", "1.00"));
                    default -> assertThat(mapper.updateCountedById(1, "m-1", "PAID")).isEqualTo(1);
                }
            }
            assertThat(Break28Mapper.Sql.CALLS.get()).as("the provider's calls, MyBatis alone makes one").isEqualTo(1);
            assertThat(stores.oldRowsOf("m-1")).as(member).hasSize(1);
            if (member.equals("stamped")) {
                assertThat(stores.oldRows().values()).containsExactly("1 m-1 NEW-1 1");
            }
            if (member.equals("updateById")) {
                assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
                assertThat(stores.oldRows()).isEqualTo(stores.newRows());
                assertThat(changeLog(stores)).isEmpty();
            }
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // The same kind in a dynamic statement: a <bind> reads the id (merchantNo.trim(), so the interceptor makes the
    // call's SQL to read it), and another bind calls the application's code (an OGNL static call numbering the row).
    // MyBatis alone evaluates it once; the row must hold NEW-1 and be mirrored (m-1 DUAL_WRITE), or recorded.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aDynamicStatementMadeToReadItsIdsIsMadeOnce(Kind kind) throws Exception {
        try (MyBatisStores stores = SHARED.take(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Break28Mapper.Sql.CALLS.set(0);
            try (SqlSession session = sessions(stores).openSession(true)) {
                session.getMapper(Break28Mapper.class).insertBoundStamped(new Order(" m-1 ", "NEW", "1.00"));
            }
            assertThat(Break28Mapper.Sql.CALLS.get()).as("the bind's evaluations, MyBatis alone makes one").isEqualTo(1);
            assertThat(stores.oldRows().values()).containsExactly("1 m-1 NEW-1 1");
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // An update by key whose SQL holds a literal that changes on every call (the call's number; a clock does the same):
    // the row holds what MyBatis alone writes (PAID-1, the provider's first SQL), and both stores end equal or the
    // write is recorded. (Its SQL holds a literal and not the id, so the provider is still asked once more for a
    // probe: see "Left" in round 28's decisions.)
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aProviderWritingAnotherLiteralOnEachCallWritesTheSqlMyBatisMadeFirst(Kind kind) throws Exception {
        try (MyBatisStores stores = SHARED.take(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            Break28Mapper.Sql.CALLS.set(0);
            try (SqlSession session = sessions(stores).openSession(true)) {
                assertThat(session.getMapper(Break28Mapper.class).payStampedById(1, "m-1")).isEqualTo(1);
            }
            assertThat(stores.oldRows()).isEqualTo(Map.of(1L, "1 m-1 PAID-1 1"));
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // The merchant id read under another name of the same argument: MyBatis binds a mapper method's arguments under
    // their @Param names and as param1, param2…; the rules name merchantNo. A provider looking the code up by
    // params.get("param1") ("acme" → m-1), a <bind> of param1.trim() and a '${param1.strip()}' substitution (" m-1 " →
    // m-1), and a plain Map parameter whose provider looks up its entry. The column receives m-1 (DUAL_WRITE): the
    // row must be mirrored, or recorded.
    @ParameterizedTest
    @CsvSource({"H2,lookedUpByPosition", "H2,lookedUpFromMap", "H2,boundByPosition", "H2,substitutedByPosition",
            "POSTGRES,lookedUpByPosition", "POSTGRES,lookedUpFromMap", "POSTGRES,boundByPosition",
            "POSTGRES,substitutedByPosition", "MARIADB,lookedUpByPosition", "MARIADB,lookedUpFromMap",
            "MARIADB,boundByPosition", "MARIADB,substitutedByPosition"})
    void aMerchantIdReadUnderAnotherNameOfItsArgumentIsMirroredOrRecorded(Kind kind, String member) throws Exception {
        try (MyBatisStores stores = SHARED.take(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break28Mapper mapper = session.getMapper(Break28Mapper.class);
                BigDecimal amount = new BigDecimal("1.00");
                switch (member) {
                    case "lookedUpByPosition" -> mapper.insertLookedUpByPosition("acme", "NEW", amount);
                    case "lookedUpFromMap" -> mapper.insertLookedUpFromMap(new HashMap<>(Map.of("merchantNo", "acme",
                            "status", "NEW", "amount", amount)));
                    case "boundByPosition" -> mapper.insertBoundByPosition(" m-1 ", "NEW", amount);
                    default -> mapper.insertSubstitutedByPosition(" m-1 ", "NEW", amount);
                }
            }
            assertThat(stores.oldRowsOf("m-1")).as(member).hasSize(1);
            assertMirroredOrRecorded(stores, Set.of("m-1"));
        }
    }

    // The second-level cache (@CacheNamespace) and an association read by a nested select of the same namespace
    // (@One(select = "selectPlain")), eagerly or lazily inside the session, of a read routed to the new store for one
    // call (ReadStoreOverride: the starter's shadow and merged reads). Row 1 of m-1 drifted (old PAID, new NEW), m-1 in
    // DUAL_WRITE (plain reads on the old store); each session committed, so that the cache holds what it read.
    // routedThenPlain: a routed read, then a plain selectPlain(1); plainThenRouted: a plain selectPlain(1), then a
    // routed read whose association must be the new store's. Every read must answer from the store it is routed to.
    @ParameterizedTest
    @CsvSource({"H2,eager,routedThenPlain", "H2,eager,plainThenRouted", "H2,lazy,plainThenRouted",
            "H2,lazy,routedThenPlain", "POSTGRES,eager,routedThenPlain", "POSTGRES,lazy,plainThenRouted",
            "MARIADB,eager,plainThenRouted", "MARIADB,lazy,routedThenPlain"})
    void aNestedSelectOfARoutedReadIsAnsweredFromTheStoreItIsRoutedTo(Kind kind, String fetch, String member)
            throws Exception {
        try (MyBatisStores stores = SHARED.take(kind)) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'PAID', 1.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)");
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, MyBatisStores.RULES_WITHOUT_XML,
                    Break28CachedMapper.class);
            List<String> seen = new ArrayList<>();
            for (String step : member.split("Then")) {
                boolean routed = step.equalsIgnoreCase("routed");
                try (ReadStoreOverride.Scope scope = routed
                        ? ReadStoreOverride.open(MyBatisStores.MIGRATION, Store.NEW) : null;
                     SqlSession session = sessions.openSession()) {
                    Break28CachedMapper mapper = session.getMapper(Break28CachedMapper.class);
                    if (routed) {
                        Break13LazyOrder order = fetch.equals("eager") ? mapper.selectEager(1, "m-1")
                                : mapper.selectLazy(1, "m-1");
                        seen.add(order.getStatus() + "/" + order.getAgain().getStatus());
                    } else {
                        seen.add(mapper.selectPlain(1).getStatus());
                    }
                    session.commit();
                }
            }
            assertThat(seen).as("each read from the store it is routed to (routed: NEW, plain: PAID)")
                    .isEqualTo(member.equals("routedThenPlain") ? List.of("NEW/NEW", "PAID") : List.of("PAID", "NEW/NEW"));
            assertThat(stores.oldRows()).isEqualTo(Map.of(1L, "1 m-1 PAID 1"));
            assertThat(stores.newRows()).isEqualTo(Map.of(1L, "1 m-1 NEW 1"));
        }
    }
}
