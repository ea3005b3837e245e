package io.dualwrite.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Builds the {@link DualWriteDataSource} over the application's pool and the new store's pool, from the
 * {@code dualwrite.jdbc.*} properties, the served migration's table mappings, and the {@link DualWriter} (its
 * switchboard, change log and mirror executors). With the JDBC change log, outbox entries
 * ({@code change-log-mode=always}) are written by it in the application's transaction.
 */
final class DataSourceWrapper {

    private final DualWriteProperties properties;
    private final DualWriter dualWriter;
    private final StoreDataSources stores;
    private final ObjectProvider<TableMapping> userMappings;

    DataSourceWrapper(DualWriteProperties properties, DualWriter dualWriter, StoreDataSources stores,
                      ObjectProvider<TableMapping> userMappings) {
        this.properties = properties;
        this.dualWriter = dualWriter;
        this.stores = stores;
        this.userMappings = userMappings;
    }

    /** The wrapper of {@code applicationPool}. */
    DualWriteDataSource wrap(DataSource applicationPool) {
        String migration = DualWriteSettings.servedMigration(properties);
        DualWriteSettings.checkJdbc(properties);
        List<TableMapping> mappings = JdbcWrapperConfiguration.mappings(migration, properties, userMappings);
        DualWriteProperties.Jdbc jdbc = properties.getJdbc();
        checkTwoDatabases(applicationPool, stores.newStore(), migration, mappings);
        try {
            stores.ensureSchema();
        } catch (SQLException e) {
            throw new IllegalStateException("could not create dualwrite's tables in the "
                    + properties.getStores().getLocation() + " store: " + Credentials.mask(e.getMessage()),
                    Credentials.masked(e));
        }
        DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                .oldDataSource(applicationPool)
                .newDataSource(stores.newStore())
                .migration(migration)
                .dualWriter(dualWriter)
                .mappings(mappings)
                .changeLogStore(properties.getStores().getLocation())
                .noContextPhase(jdbc.getNoContextPhase())
                .lockTimeout(jdbc.getLockTimeout())
                .maxBufferedKeys(jdbc.getMaxBufferedKeys())
                .streamBufferLimit(jdbc.getStreamBufferLimit())
                .statementCacheSize(jdbc.getStatementCacheSize())
                .outboxGrace(jdbc.getOutboxGrace())
                .catalogRefresh(jdbc.getCatalogRefresh())
                .validateMappings(jdbc.isValidateMappings());
        if (jdbc.isValidateMappings()) {
            requireReachableNewStore(stores.newStore());
        }
        if (dualWriter.changeLog() instanceof JdbcChangeLog changeLog) {
            builder.outboxWriter(changeLog); // itself: its entries leave the session's last generated key alone
        }
        try {
            return builder.build();
        } catch (IllegalStateException mismatch) {
            // the schema checks of validate-mappings: a mapping naming what a store does not have, or a missing table
            throw new InvalidDualWritePropertyException("dualwrite.migrations." + migration + ".tables",
                    mappings.stream().map(TableMapping::oldTable).toList(),
                    "mappings that match both stores' schemas (" + Credentials.mask(mismatch.getMessage()) + ")",
                    "Fix the mapping or the schema named above; while the new tables do not exist yet, set"
                            + " dualwrite.jdbc.validate-mappings=false; for a missing dualwrite table, set"
                            + " dualwrite.stores.create-schema=true.", mismatch);
        }
    }

    /**
     * Refuses one database as both stores when a table keeps its name: every sync would copy the table's rows onto
     * themselves, and the new store would never be a second copy. Told apart by the pools' JDBC URLs (Hikari's)
     * without their parameters; a pool whose URL cannot be read is not checked.
     */
    private void checkTwoDatabases(DataSource applicationPool, DataSource newStore, String migration,
                                   List<TableMapping> mappings) {
        String oldUrl = jdbcUrl(applicationPool);
        String newUrl = jdbcUrl(newStore);
        if (oldUrl == null || newUrl == null
                || !Credentials.withoutParameters(oldUrl).equals(Credentials.withoutParameters(newUrl))) {
            return;
        }
        List<String> sameTables = mappings.stream().filter(m -> m.oldTable().equalsIgnoreCase(m.newTable()))
                .map(TableMapping::oldTable).toList();
        if (!sameTables.isEmpty()) {
            throw new InvalidDualWritePropertyException("dualwrite.new-datasource.url", Credentials.mask(newUrl),
                    "a database other than the application DataSource's, or new tables whose names differ from the"
                            + " old ones",
                    "The application DataSource has the same URL, so both stores are one database and the tables "
                            + sameTables + " would be copied onto themselves. Point dualwrite.new-datasource.url at the"
                            + " new database, or give each table a new name with dualwrite.migrations." + migration
                            + ".tables." + sameTables.get(0) + ".new-table.");
        }
    }

    /**
     * With {@code validate-mappings} on, the new store must answer before its schema can be checked. A store that
     * refused the connection (down, a wrong user or password) was reported as a mapping that does not match the
     * schemas, under {@code dualwrite.migrations.<name>.tables}, with "fix the mapping or the schema" as the fix:
     * the property at fault is the new store's, and the way to start without it is to turn the check off.
     */
    private static void requireReachableNewStore(DataSource newStore) {
        try (Connection connection = newStore.getConnection()) {
            connection.isValid(1);
        } catch (SQLException | RuntimeException refused) {
            String url = jdbcUrl(newStore);
            throw new InvalidDualWritePropertyException("dualwrite.new-datasource.url",
                    url == null ? "(the bean dualwriteNewDataSource)" : Credentials.mask(url),
                    "a new store that answers while dualwrite.jdbc.validate-mappings is true (it refused: "
                            + Credentials.mask(String.valueOf(refused.getMessage())) + ")",
                    "Check dualwrite.new-datasource.url, dualwrite.new-datasource.username and"
                            + " dualwrite.new-datasource.password, and that the new store is up; or set"
                            + " dualwrite.jdbc.validate-mappings=false to start without the schema check (the old"
                            + " store keeps serving, and mirrors are recorded in the change log until the new store"
                            + " answers).", Credentials.masked(refused));
        }
    }

    private static @Nullable String jdbcUrl(DataSource pool) {
        try {
            return pool.isWrapperFor(HikariDataSource.class) ? pool.unwrap(HikariDataSource.class).getJdbcUrl() : null;
        } catch (SQLException | RuntimeException unreadable) {
            return null;
        }
    }
}
