package io.dualwrite.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * One benchmark's world: the two stores with their pools, and what the application writes through for a
 * {@link Variant}: the old pool ({@code raw}), both pools by hand ({@code serialDouble}), or a
 * {@link DualWriteDataSource} wired as {@code PlainJdbcQuickStart} wires it (JDBC switch store, JDBC change
 * log in the old store, identity mapping), its migration's default phase and mirror mode set by the variant.
 */
public final class Fixture implements AutoCloseable {

    static final String MIGRATION = "orders";
    /** How much slower every round trip to the new store is in {@link Variant#ASYNC_SLOW_NEW}. */
    static final Duration SLOW_NEW_DELAY = Duration.ofMillis(20);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static volatile @Nullable Fixture current;

    private final Databases.Kind kind;
    private final Variant variant;
    private final HikariDataSource oldPool;
    private final HikariDataSource newPool;
    private final DataSource application;
    private final @Nullable DualWriter writer;

    private final MirrorProbe probe = MirrorProbe.INSTANCE;
    private final long finishedBefore = probe.finished();
    private final LongAdder writes = new LongAdder();

    private Fixture(Databases.Kind kind, Variant variant, HikariDataSource oldPool, HikariDataSource newPool,
                    DataSource application, @Nullable DualWriter writer) {
        this.kind = kind;
        this.variant = variant;
        this.oldPool = oldPool;
        this.newPool = newPool;
        this.application = application;
        this.writer = writer;
    }

    /**
     * Creates the two stores (on PostgreSQL: two databases on the server named by
     * {@link Databases#POSTGRES_PORT_PROPERTY}, else on an embedded server this JVM starts), fills them and
     * wires the variant.
     */
    public static Fixture start(Databases.Kind kind, Variant variant) throws SQLException {
        HikariDataSource oldPool = Databases.create(kind, "old");
        HikariDataSource newPool = Databases.create(kind, "new");
        try {
            Orders.createAndFill(oldPool, newPool);
            if (kind == Databases.Kind.POSTGRES) {
                WriteCostProfiler.watchPostgres(Databases.postmasterPid(oldPool));
            }
            MigrationPhase phase = variant.phase();
            if (phase == null) {
                return started(new Fixture(kind, variant, oldPool, newPool, oldPool, null));
            }
            DualWriteSchema.create(oldPool); // switches, pins and the change log live in the authoritative store
            DataSource newStore = switch (variant.newStore()) {
                case HEALTHY -> newPool;
                case SLOW -> SlowStores.slow(newPool, SLOW_NEW_DELAY);
                case DOWN -> SlowStores.down();
            };
            Switchboard switchboard = Switchboard.builder()
                    .switchStore(JdbcSwitchStore.create(oldPool))
                    .migration(MigrationSwitchConfig.builder(MIGRATION).defaultPhase(phase).build())
                    .build();
            DualWriter writer = DualWriter.builder()
                    .resolver(switchboard)
                    .changeLog(JdbcChangeLog.create(oldPool))
                    .observer(MirrorProbe.INSTANCE)
                    .mirrorConfig(MirrorConfig.custom().mode(Objects.requireNonNull(variant.mode())).build())
                    .build();
            DataSource dual = DualWriteDataSource.builder()
                    .oldDataSource(oldPool)
                    .newDataSource(newStore)
                    .migration(MIGRATION)
                    .dualWriter(writer)
                    .mapping(TableMapping.identity("orders"))
                    .build();
            return started(new Fixture(kind, variant, oldPool, newPool, dual, writer));
        } catch (SQLException | RuntimeException e) {
            Databases.drop(kind, oldPool);
            Databases.drop(kind, newPool);
            throw e;
        }
    }

    private static Fixture started(Fixture fixture) {
        current = fixture;
        return fixture;
    }

    /** The fixture of the benchmark running in this JVM, for {@link WriteCostProfiler}. */
    static @Nullable Fixture current() {
        return current;
    }

    /** One single-row insert with a generated key, committed; returns the key. */
    public long insert() throws SQLException {
        int qty = Orders.randomQty();
        long id = Orders.insert(application, qty);
        if (variant == Variant.SERIAL_DOUBLE) {
            try {
                Orders.insertCopy(newPool, id, qty);
            } catch (SQLException | RuntimeException swallowed) {
                // the hand-written double write ignores the new store's failures
            }
        }
        counted();
        return id;
    }

    /** One single-row update by key over the pre-filled rows, committed; returns the update count. */
    public int update() throws SQLException {
        long id = Orders.randomKey();
        int qty = Orders.randomQty();
        int count = Orders.update(application, id, qty);
        if (variant == Variant.SERIAL_DOUBLE) {
            try {
                Orders.update(newPool, id, qty);
            } catch (SQLException | RuntimeException swallowed) {
                // the hand-written double write ignores the new store's failures
            }
        }
        counted();
        return count;
    }

    /**
     * Counts one write made by the application through {@link #application()} other than by {@link #insert} or
     * {@link #update} (e.g. a MyBatis mapper's), so that {@link #awaitMirrors} waits for its mirror too.
     */
    void countWrite() {
        counted();
    }

    /** What the application writes through: the old pool ({@code raw}) or the {@code DualWriteDataSource}. */
    DataSource application() {
        return application;
    }

    /** Writes so far whose mirror the library has not yet reported ended (0 in variants that do not mirror). */
    long mirrorsPending() {
        return variant.mirrors() ? Math.max(0, finishedBefore + writes.sum() - probe.finished()) : 0;
    }

    /**
     * Waits until the mirrors of the writes so far have ended, so that their CPU and allocation are counted
     * in the iteration that caused them. Not with a slow new store: its backlog takes minutes to drain and
     * stays full in steady state, which is what that variant measures.
     */
    public void awaitMirrors() {
        long expected = finishedBefore + writes.sum();
        if (variant.mirrors() && variant != Variant.ASYNC_SLOW_NEW
                && !probe.awaitMirrors(writer, expected, DRAIN_LIMIT)) {
            System.err.println("WARNING: mirrors of " + variant.id() + " on " + kind.id() + " did not end within "
                    + DRAIN_LIMIT + ": " + (probe.finished() - finishedBefore) + " of " + writes.sum() + " reported");
        }
    }

    /** Empties the table in both stores, directly on the pools (the library does not see it). */
    public void emptyTables() throws SQLException {
        Orders.truncate(oldPool);
        Orders.truncate(newPool);
    }

    /** The old store's pool (the application's pool). */
    public DataSource oldStore() {
        return oldPool;
    }

    /** The new store's pool (healthy, whatever the variant makes the library see). */
    public DataSource newStore() {
        return newPool;
    }

    /**
     * Closes the fixture when the JVM exits. JMH runs a trial's teardown inside the last measurement iteration,
     * before the profilers read it: closing there would put the close (and the threads it ends) in its figures.
     */
    public void closeAtExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "close-benchmark-fixture"));
    }

    @Override
    public void close() {
        if (current == this) {
            current = null;
        }
        if (writer != null) {
            writer.close();
        }
        Databases.drop(kind, oldPool);
        Databases.drop(kind, newPool);
    }

    private void counted() {
        // Every variant pays the same counter; only the mirrored ones are waited for.
        writes.increment();
    }
}
