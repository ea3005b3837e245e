package io.dualwrite.jdbc.convergence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One application instance, as a separate process would build it: its own pools to both stores (the new one
 * behind the store's {@link FaultyStore}), its own switchboard (system phase {@code DUAL_WRITE}), its own
 * {@link JdbcChangeLog} on the old store, {@link DualWriter} (mirror threads, breaker) and
 * {@link DualWriteDataSource}, and its own {@link Reconciler} sharing the data source's copier.
 */
final class AppInstance implements AutoCloseable {

    static final String MIGRATION = "orders";

    private final HikariDataSource oldPool;
    private final HikariDataSource newPool;
    final DualWriter writer;
    final DualWriteDataSource dataSource;
    final Reconciler reconciler;

    AppInstance(String name, TestDatabase oldDb, TestDatabase newDb, FaultyStore newStoreFaults, TableMapping mapping,
                MirrorConfig mirrorConfig, MirrorObserver observer) {
        this(name, oldDb, newDb, UnaryOperator.identity(), newStoreFaults::wrap, mapping, mirrorConfig, observer,
                Duration.ofSeconds(5));
    }

    /**
     * @param oldWrapper wraps the old store's pool as this instance sees it (e.g. to hold a read)
     * @param newWrapper wraps the new store's pool as this instance sees it (e.g. its faults)
     */
    AppInstance(String name, TestDatabase oldDb, TestDatabase newDb, UnaryOperator<DataSource> oldWrapper,
                UnaryOperator<DataSource> newWrapper, TableMapping mapping, MirrorConfig mirrorConfig,
                MirrorObserver observer, Duration lockTimeout) {
        this(name, oldDb, newDb, oldWrapper, newWrapper, mapping, mirrorConfig, observer, lockTimeout, null);
    }

    /**
     * @param oldSessions a statement each session of the old store's pool runs when it opens, as an earlier borrower
     *                    of a pool that does not reset it may leave it ({@code SET search_path …}); null for none
     */
    AppInstance(String name, TestDatabase oldDb, TestDatabase newDb, UnaryOperator<DataSource> oldWrapper,
                UnaryOperator<DataSource> newWrapper, TableMapping mapping, MirrorConfig mirrorConfig,
                MirrorObserver observer, Duration lockTimeout, String oldSessions) {
        oldPool = pool(oldDb, name + "-old", oldSessions);
        newPool = pool(newDb, name + "-new", null);
        DataSource oldStore = oldWrapper.apply(oldPool);
        DataSource newStore = newWrapper.apply(newPool);
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.builder(MIGRATION).defaultPhase(MigrationPhase.DUAL_WRITE).build())
                .build();
        writer = DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldPool))
                .mirrorConfig(MIGRATION, mirrorConfig).observer(observer).build();
        dataSource = DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore)
                .migration(MIGRATION).mapping(mapping).dualWriter(writer).lockTimeout(lockTimeout)
                .validateMappings(true).build();
        reconciler = Reconciler.builder().changeLog(JdbcChangeLog.create(oldPool))
                .oldDataSource(oldStore).newDataSource(newStore).mapping(mapping)
                .rowCopier(dataSource.rowCopier())
                .batchSize(50).initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1)).build();
    }

    private static HikariDataSource pool(TestDatabase db, String name, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setConnectionInitSql(initSql);
        config.setJdbcUrl(db.pool().getJdbcUrl());
        config.setUsername(db.pool().getUsername());
        config.setPoolName(name + "-" + db.name());
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        reconciler.close();
        writer.close();
        oldPool.close();
        newPool.close();
    }
}
