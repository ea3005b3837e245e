package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thirteenth break review of the MyBatis module. Tries the statements MyBatis runs on a mapper call's behalf: a
 * {@code selectKey} BEFORE whose merchant only the insert's own property path names (a map parameter, a
 * {@code @Param} text beside the order), for merchants whose phase makes the new store authoritative, under every
 * executor. Every test of mirroring ends comparing both stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak13Test {

    private static final String KEYED = Break13SelectKeyMapper.class.getName() + ".";

    static Stream<Arguments> kindsExecutorsAndStatements() {
        return Stream.of(
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.SIMPLE, "insertRow"),
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.REUSE, "insertFor"),
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.BATCH, "insertRow"),
                Arguments.of(TestDatabases.Kind.H2, ExecutorType.BATCH, "insertFor"),
                Arguments.of(TestDatabases.Kind.POSTGRES, ExecutorType.SIMPLE, "insertFor"));
    }

    /**
     * A {@code selectKey} BEFORE of an insert whose merchant (m-3, NEW_PRIMARY; the system OLD_ONLY) only the insert's
     * own path names ({@code shop}): the interceptor ran the key's query before opening the insert's context, and
     * MyBatis names that query {@code insert!selectKey}, which no rule names, so it ran without a context, acquired
     * the session's connection from the old store, and the insert was then refused there ("authoritative store"
     * mismatch): the caller got an exception MyBatis alone would not have thrown. The key's query now runs under the
     * ids of the statement it serves: the row is written to the new store and synced to the old one.
     */
    @ParameterizedTest
    @MethodSource("kindsExecutorsAndStatements")
    void aSelectKeyBeforeRunsUnderTheIdsOfTheInsertItServes(TestDatabases.Kind kind, ExecutorType executor,
                                                            String statement) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-3", MigrationPhase.NEW_PRIMARY);
            SqlSessionFactory sessions = MyBatisBreakSupport.sessions(stores.dataSource, ContextRules
                    .builder(MyBatisStores.MIGRATION).annotations(false)
                    .statement(KEYED + "insertRow", null, "shop")
                    .statement(KEYED + "insertFor", null, "shop").build(), Break13SelectKeyMapper.class);
            Object key;
            try (SqlSession session = sessions.openSession(executor)) {
                Break13SelectKeyMapper mapper = session.getMapper(Break13SelectKeyMapper.class);
                if (statement.equals("insertRow")) {
                    Map<String, Object> row = new HashMap<>(Map.of("shop", "m-3", "status", "NEW",
                            "amount", new java.math.BigDecimal("1.00")));
                    mapper.insertRow(row);
                    session.commit();
                    key = row.get("id");
                } else {
                    Order order = new Order(null, "NEW", "1.00");
                    mapper.insertFor("m-3", order);
                    session.commit();
                    key = order.getId();
                }
            }
            assertThat(key).isEqualTo(100L);
            assertThat(stores.newRows()).containsOnlyKeys(100L);
            assertThat(stores.oldRows()).isEqualTo(stores.newRows());
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }
}
