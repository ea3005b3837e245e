package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.time.Duration;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sixteenth break review of the MyBatis module. Tries a BATCH of several merchants' generated-key inserts sent inside
 * a scope the application opened after queueing them (the batch's keys were all handed to its first entry), and
 * {@code MapperCopier}'s lock timeout against the JDBC copier's bound. Tests of mirroring end comparing both stores
 * row by row with plain JDBC, and the change log.
 */
class MyBatisBreak16Test {

    /** The merchant of a mapper insert, of a {@code <foreach>} insert of one merchant's orders. */
    private static final ContextRules FOREACH_RULES = ContextRules.builder(MyBatisStores.MIGRATION)
            .merchantIdPath("merchantNo")
            .statement(Break11OrderMapper.class.getName() + ".insertAll", null, "orders.merchantNo").build();

    /**
     * {@link MapperCopier.Builder#lockTimeout} takes what the JDBC copier takes: a lock timeout over one hour is refused
     * when set, naming the property, the value, what is allowed and the fix; one hour itself is taken.
     */
    @Test
    void mapperCopierRefusesALockTimeoutTheJdbcCopierRefuses() {
        MapperCopier.Builder builder = MapperCopier.builder(new Configuration(), MyBatisStores.MAPPING);
        assertThatThrownBy(() -> builder.lockTimeout(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockTimeout")
                .hasMessageContaining("PT2H")
                .hasMessageContaining("at most " + RowCopier.MAX_LOCK_TIMEOUT)
                .hasMessageContaining("Set it to at most one hour");
        assertThatThrownBy(() -> builder.lockTimeout(Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT720H");
        assertThatThrownBy(() -> builder.lockTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockTimeout must be positive");
        assertThat(builder.lockTimeout(RowCopier.MAX_LOCK_TIMEOUT)).isSameAs(builder);
    }

    /**
     * A BATCH of generated-key inserts of m-2 ({@code OLD_ONLY}) and m-1 ({@code DUAL_WRITE}), each queued under its
     * own context, sent inside a scope the application opened meanwhile (either merchant's, or a third's): every
     * entry then mirrors (an open context lets the keys of a non-mirroring write be collected for the copier to
     * decide), and the batch's generated keys must still go to the entry that stored each row, under its context.
     * Handed all to the first entry, m-1's rows were skipped as m-2's, unrecorded (the mapping names no merchant
     * column, so only the entry's context tells a row's merchant).
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class)
    void aBatchOfTwoMerchantsSentInsideAnotherScopeSyncsEachRowUnderItsOwnEntrysContext(TestDatabases.Kind kind)
            throws Exception {
        sentInsideAnotherScope(kind, session -> {
            OrderMapper orders = session.getMapper(OrderMapper.class);
            orders.insert(new Order("m-2", "NEW", "1.00"));
            orders.insert(new Order("m-1", "NEW", "2.00"));
            orders.insert(new Order("m-2", "NEW", "3.00"));
            orders.insert(new Order("m-1", "NEW", "4.00"));
        });
    }

    /** As above with multi-row {@code <foreach>} inserts, two rows per entry (one key per entry on MariaDB). */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class)
    void aBatchOfForeachInsertsOfTwoMerchantsSentInsideAnotherScopeSyncsEachRowUnderItsOwnEntrysContext(
            TestDatabases.Kind kind) throws Exception {
        sentInsideAnotherScope(kind, session -> {
            Break11OrderMapper orders = session.getMapper(Break11OrderMapper.class);
            orders.insertAll(MyBatisBreakSupport.two("m-2", "1.00", "3.00"));
            orders.insertAll(MyBatisBreakSupport.two("m-1", "2.00", "4.00"));
        });
    }

    /**
     * As above with inserts naming their keys on a factory that asks every insert for its generated keys
     * ({@code useGeneratedKeys} set globally, as many applications do): the database reports the key of each row it
     * stored, and those keys, taken for the batch's rows, went all with the first entry, under its context.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class)
    void aBatchOfInsertsNamingTheirKeysOfTwoMerchantsSentInsideAnotherScopeSyncsEachRowUnderItsOwnEntrysContext(
            TestDatabases.Kind kind) throws Exception {
        sentInsideAnotherScope(kind, session -> {
            Break5OrderMapper orders = session.getMapper(Break5OrderMapper.class);
            long id = 100;
            for (String merchant : new String[] {"m-2", "m-1", "m-2", "m-1"}) {
                Order order = new Order(merchant, "NEW", id + ".00");
                order.setId(++id);
                orders.insertWithId(order);
            }
        });
    }

    /**
     * Runs {@code inserts} (two rows of m-1, two of m-2) on a BATCH session and sends them inside a scope of m-1, of
     * m-2 and of m-3 (no switch) in turn, and once outside any scope; each time the new store holds m-1's rows only
     * and nothing is recorded.
     */
    private static void sentInsideAnotherScope(TestDatabases.Kind kind, java.util.function.Consumer<SqlSession> inserts)
            throws Exception {
        for (String flushedIn : new String[] {"m-1", "m-2", "m-3", "no scope"}) {
            try (MyBatisStores stores = new MyBatisStores(kind)) {
                stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
                stores.merchantPhase("m-2", MigrationPhase.OLD_ONLY);
                try (SqlSession session = sessionsAskingForKeys(stores).openSession(ExecutorType.BATCH)) {
                    inserts.accept(session);
                    if (flushedIn.equals("no scope")) {
                        session.commit();
                    } else {
                        try (MigrationContext.Scope scope = MigrationContext.forMigration(MyBatisStores.MIGRATION)
                                .merchantId(flushedIn).open()) {
                            if (flushedIn.equals("m-3")) {
                                session.flushStatements();
                            }
                            session.commit();
                        }
                    }
                }
                assertThat(stores.oldRows()).as("flushed in %s", flushedIn).hasSize(4);
                assertThat(stores.newRows()).as("flushed in %s", flushedIn).isEqualTo(stores.oldRowsOf("m-1"))
                        .hasSize(2);
                assertThat(stores.changeLogCounts()).as("flushed in %s", flushedIn).isEmpty();
            }
        }
    }

    /**
     * MyBatis over the stores' data source with the mappers of the batch tests, every insert asking for its generated
     * keys unless its statement says otherwise.
     */
    private static org.apache.ibatis.session.SqlSessionFactory sessionsAskingForKeys(MyBatisStores stores) {
        Configuration configuration = new Configuration(new org.apache.ibatis.mapping.Environment("break",
                new org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory(), stores.dataSource));
        configuration.setUseGeneratedKeys(true);
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(Break11OrderMapper.class);
        configuration.addMapper(Break5OrderMapper.class);
        MigrationContextInterceptor.install(configuration, FOREACH_RULES);
        return new org.apache.ibatis.session.SqlSessionFactoryBuilder().build(configuration);
    }
}
