package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring transaction propagation over the dual-write data source, round 17: {@code NESTED} (JDBC savepoints rolled
 * back and released), {@code REQUIRES_NEW} rolled back inside an outer transaction that commits, {@code NOT_SUPPORTED}
 * inside one that rolls back, and writes made by {@code TransactionSynchronization} callbacks after the commit and
 * after the rollback (on the still-bound connection, committed when Spring restores auto-commit). After each, the new
 * store holds exactly the committed rows of the old one, compared row by row with plain JDBC.
 */
class TxPropagationBreak17Test {

    private TestDatabase oldDb;
    private TestDatabase newDb;
    private DualWriter writer;

    @AfterEach
    void tearDown() {
        if (writer != null) {
            writer.close();
        }
        if (oldDb != null) {
            oldDb.close();
        }
        if (newDb != null) {
            newDb.close();
        }
    }

    enum Shape { NESTED, REQUIRES_NEW_ROLLED_BACK, NOT_SUPPORTED, AFTER_COMMIT_WRITE, AFTER_ROLLBACK_WRITE }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> shapes() {
        return java.util.stream.Stream.of(TestDatabases.Kind.H2, TestDatabases.Kind.POSTGRES, TestDatabases.Kind.MARIADB)
                .flatMap(kind -> java.util.Arrays.stream(Shape.values())
                        .map(shape -> org.junit.jupiter.params.provider.Arguments.of(kind, shape)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @org.junit.jupiter.params.provider.MethodSource("shapes")
    void propagationLeavesTheNewStoreEqualToTheCommittedRows(TestDatabases.Kind kind, Shape shape) throws Exception {
        JdbcTemplate jdbc = stores(kind);
        DataSourceTransactionManager manager = new DataSourceTransactionManager(jdbc.getDataSource());
        manager.setNestedTransactionAllowed(true);
        TransactionTemplate outer = new TransactionTemplate(manager);
        TransactionTemplate inner = new TransactionTemplate(manager);
        switch (shape) {
            case NESTED -> {
                inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
                outer.executeWithoutResult(status -> {
                    insert(jdbc, 1);
                    inner.executeWithoutResult(nested -> {
                        insert(jdbc, 2);
                        jdbc.update("UPDATE orders SET note = 'changed' WHERE id = 1");
                        nested.setRollbackOnly(); // back to the savepoint
                    });
                    inner.executeWithoutResult(nested -> insert(jdbc, 3)); // savepoint released
                    jdbc.update("DELETE FROM orders WHERE id = 3");
                    inner.executeWithoutResult(nested -> {
                        insert(jdbc, 3);
                        nested.setRollbackOnly();
                    });
                });
            }
            case REQUIRES_NEW_ROLLED_BACK -> {
                inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
                outer.executeWithoutResult(status -> {
                    insert(jdbc, 1);
                    inner.executeWithoutResult(own -> {
                        insert(jdbc, 2);
                        own.setRollbackOnly();
                    });
                    insert(jdbc, 3);
                });
            }
            case NOT_SUPPORTED -> {
                inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
                outer.executeWithoutResult(status -> {
                    insert(jdbc, 1);
                    inner.executeWithoutResult(none -> insert(jdbc, 2)); // auto-commit, its own connection
                    status.setRollbackOnly();
                });
            }
            case AFTER_COMMIT_WRITE, AFTER_ROLLBACK_WRITE -> outer.executeWithoutResult(status -> {
                insert(jdbc, 1);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        insert(jdbc, 2);
                    }

                    @Override
                    public void afterCompletion(int completion) {
                        if (completion == STATUS_ROLLED_BACK) {
                            insert(jdbc, 3);
                        }
                    }
                });
                if (shape == Shape.AFTER_ROLLBACK_WRITE) {
                    status.setRollbackOnly();
                }
            });
        }
        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
        List<Map<String, Object>> old = oldDb.query("SELECT id, merchant_id, note FROM orders ORDER BY id");
        assertThat(old).isNotEmpty();
        assertThat(newDb.query("SELECT id, merchant_id, remark AS note FROM orders_v2 ORDER BY id")).isEqualTo(old);
    }

    private static void insert(JdbcTemplate jdbc, long id) {
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, 'm-1', 'n')", id);
    }

    private JdbcTemplate stores(TestDatabases.Kind kind) {
        oldDb = TestDatabases.create(kind);
        newDb = TestDatabases.create(kind);
        oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(40))");
        newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), remark VARCHAR(40))");
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
        Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                .migration(MigrationSwitchConfig.of("orders")).build();
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
        DualWriteDataSource dataSource = DualWriteDataSource.builder()
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .migration("orders").dualWriter(writer)
                .mapping(TableMapping.builder("orders").newTable("orders_v2").rename("note", "remark")
                        .merchantIdColumn("merchant_id").build())
                .build();
        return new JdbcTemplate(dataSource);
    }
}
