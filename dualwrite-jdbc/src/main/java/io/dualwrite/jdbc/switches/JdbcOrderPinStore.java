package io.dualwrite.jdbc.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.switches.OrderPinStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OrderPinStore} on the table {@code dualwrite_order_pin}, shared by every instance of the
 * application.
 *
 * <p>{@link #pinIfAbsent} inserts the pin with a statement that leaves an existing pin alone
 * (PostgreSQL {@code ON CONFLICT DO NOTHING}, MySQL/MariaDB {@code INSERT IGNORE}, H2 an insert whose
 * duplicate-key error is ignored) and then reads back the pin that won, so racing instances agree on one
 * phase. Operator actions are single statements. Create the table first (see
 * {@link io.dualwrite.jdbc.schema.DualWriteSchema}); a failed statement throws {@link IllegalStateException}
 * ("could not …" with the driver's message), which says how to create the table when it is missing.
 * Thread-safe.
 */
public final class JdbcOrderPinStore implements OrderPinStore {

    private static final String COLUMNS = "migration, order_id, merchant_id, phase, pinned_at";
    private static final int TRIES = 5;
    private static final String ORDER_ID_COLUMN = "dualwrite_order_pin.order_id";
    private static final String MERCHANT_ID_COLUMN = "dualwrite_order_pin.merchant_id";

    private final SqlSupport sql;
    private final Clock clock;

    private JdbcOrderPinStore(DataSource dataSource, Clock clock) {
        this.sql = new SqlSupport(dataSource, DualWriteSchema.ORDER_PIN_TABLE);
        this.clock = Checks.requireNonNull("clock", clock);
    }

    /** The database whose {@code dualwrite_order_pin} table this store reads and writes (for start-up checks). */
    public DataSource dataSource() {
        return sql.dataSource();
    }

    /** A store on the {@code dualwrite_order_pin} table of {@code dataSource}. */
    public static JdbcOrderPinStore create(DataSource dataSource) {
        return new JdbcOrderPinStore(dataSource, Clock.systemUTC());
    }

    /** A store whose {@code pinned_at} times come from {@code clock}. */
    public static JdbcOrderPinStore create(DataSource dataSource, Clock clock) {
        return new JdbcOrderPinStore(dataSource, clock);
    }

    /**
     * {@inheritDoc}
     *
     * <p>On a session {@link JdbcSwitchStore#offer offered} to this thread for this store's {@code DataSource}, when
     * one is; else on a session of its own.
     */
    @Override
    public Optional<MigrationPhase> find(String migration, String orderId) {
        Checks.requireMigration("migration", migration);
        Checks.requireStoredId("orderId", orderId, ORDER_ID_COLUMN);
        try {
            // a copier holding a session of this pool in its transaction offers it (JdbcSwitchStore#offer): a second
            // session of the pool may never come (round 26)
            Connection offered = JdbcSwitchStore.offeredSession(sql.dataSource());
            if (offered != null) {
                return find(offered, migration, orderId);
            }
            try (Connection connection = sql.connection()) {
                return find(connection, migration, orderId);
            }
        } catch (SQLException e) {
            throw sql.failure("read the pin of order " + orderId, e);
        }
    }

    @Override
    public Optional<String> merchantOf(String migration, String orderId) {
        Checks.requireMigration("migration", migration);
        Checks.requireStoredId("orderId", orderId, ORDER_ID_COLUMN);
        try (Connection connection = sql.connection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT merchant_id FROM dualwrite_order_pin WHERE migration = ? AND order_id = ?")) {
            select.setString(1, migration);
            select.setString(2, orderId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw sql.failure("read the merchant of the pin of order " + orderId, e);
        }
    }

    @Override
    public MigrationPhase pinIfAbsent(String migration, String orderId, @Nullable String merchantId,
                                      MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        Checks.requireStoredId("orderId", orderId, ORDER_ID_COLUMN);
        Checks.optionalStoredId("merchantId", merchantId, MERCHANT_ID_COLUMN);
        Objects.requireNonNull(phase, "phase");
        try (Connection connection = sql.connection()) {
            connection.setAutoCommit(true);
            Dialect dialect = sql.dialect(connection);
            // the loop only repeats when an operator unpins the order between our insert and our read
            for (int attempt = 1; attempt <= TRIES; attempt++) {
                insertIfAbsent(connection, dialect, migration, orderId, merchantId, phase);
                Optional<MigrationPhase> winner = find(connection, migration, orderId);
                if (winner.isPresent()) {
                    return winner.get();
                }
            }
            throw new IllegalStateException("could not pin order " + orderId + " of migration " + migration
                    + ": the pin vanished " + TRIES + " times between insert and read");
        } catch (SQLException e) {
            throw sql.failure("pin order " + orderId, e);
        }
    }

    @Override
    public void repin(String migration, String orderId, MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        Checks.requireStoredId("orderId", orderId, ORDER_ID_COLUMN);
        Objects.requireNonNull(phase, "phase");
        try (Connection connection = sql.connection()) {
            connection.setAutoCommit(true);
            Dialect dialect = sql.dialect(connection);
            if (dialect == Dialect.H2) {
                // H2's MERGE would overwrite merchant_id with NULL: update first, insert when nothing was there
                repinH2(connection, migration, orderId, phase);
                return;
            }
            String upsert = dialect == Dialect.POSTGRESQL
                    ? "INSERT INTO dualwrite_order_pin (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                            + " ON CONFLICT (migration, order_id) DO UPDATE SET phase = EXCLUDED.phase,"
                            + " pinned_at = EXCLUDED.pinned_at"
                    : "INSERT INTO dualwrite_order_pin (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                            + " ON DUPLICATE KEY UPDATE phase = VALUES(phase), pinned_at = VALUES(pinned_at)";
            try (PreparedStatement statement = connection.prepareStatement(upsert)) {
                bindPin(statement, migration, orderId, null, phase);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw sql.failure("re-pin order " + orderId, e);
        }
    }

    @Override
    public int repinMerchant(String migration, String merchantId, MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        Checks.requireStoredId("merchantId", merchantId, MERCHANT_ID_COLUMN);
        return update("UPDATE dualwrite_order_pin SET phase = ?, pinned_at = ? WHERE migration = ? AND merchant_id = ?",
                "re-pin the orders of merchant " + merchantId, phase, migration, merchantId);
    }

    @Override
    public int repinAll(String migration, MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        return update("UPDATE dualwrite_order_pin SET phase = ?, pinned_at = ? WHERE migration = ?",
                "re-pin every order of migration " + migration, phase, migration);
    }

    /** One {@code GROUP BY phase} query on the pin table. */
    @Override
    public Map<MigrationPhase, Long> pinCounts(String migration) {
        Checks.requireMigration("migration", migration);
        Map<MigrationPhase, Long> counts = new EnumMap<>(MigrationPhase.class);
        try (Connection connection = sql.connection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT phase, COUNT(*) FROM dualwrite_order_pin WHERE migration = ? GROUP BY phase")) {
            select.setString(1, migration);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.merge(SqlSupport.phase(rows.getString(1), "dualwrite_order_pin"), rows.getLong(2), Long::sum);
                }
            }
        } catch (SQLException e) {
            throw sql.failure("count the pins of migration " + migration, e);
        }
        return counts;
    }

    @Override
    public void unpin(String migration, String orderId) {
        Checks.requireMigration("migration", migration);
        Checks.requireStoredId("orderId", orderId, ORDER_ID_COLUMN);
        try (Connection connection = sql.connection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM dualwrite_order_pin WHERE migration = ? AND order_id = ?")) {
            connection.setAutoCommit(true);
            delete.setString(1, migration);
            delete.setString(2, orderId);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw sql.failure("unpin order " + orderId, e);
        }
    }

    private void insertIfAbsent(Connection connection, Dialect dialect, String migration, String orderId,
                                @Nullable String merchantId, MigrationPhase phase) throws SQLException {
        String insert = switch (dialect) {
            case POSTGRESQL -> "INSERT INTO dualwrite_order_pin (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (migration, order_id) DO NOTHING";
            case MYSQL -> "INSERT IGNORE INTO dualwrite_order_pin (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)";
            case H2 -> "INSERT INTO dualwrite_order_pin (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)";
        };
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            bindPin(statement, migration, orderId, merchantId, phase);
            statement.executeUpdate();
        } catch (SQLException e) {
            if (dialect != Dialect.H2 || !"23505".equals(e.getSQLState())) {
                throw e;
            }
            // H2: another caller pinned the order first; its pin wins
        }
    }

    private void repinH2(Connection connection, String migration, String orderId, MigrationPhase phase)
            throws SQLException {
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE dualwrite_order_pin SET phase = ?, pinned_at = ? WHERE migration = ? AND order_id = ?")) {
                update.setString(1, phase.name());
                update.setObject(2, SqlSupport.utc(clock.instant()));
                update.setString(3, migration);
                update.setString(4, orderId);
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO dualwrite_order_pin (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
                bindPin(insert, migration, orderId, null, phase);
                insert.executeUpdate();
                return;
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                // pinned meanwhile: update that pin on the next round
            }
        }
        throw new SQLException("order " + orderId + " kept changing while being re-pinned");
    }

    private Optional<MigrationPhase> find(Connection connection, String migration, String orderId)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT phase FROM dualwrite_order_pin WHERE migration = ? AND order_id = ?")) {
            select.setString(1, migration);
            select.setString(2, orderId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(SqlSupport.phase(rows.getString(1), "dualwrite_order_pin"))
                        : Optional.empty();
            }
        }
    }

    private void bindPin(PreparedStatement statement, String migration, String orderId,
                         @Nullable String merchantId, MigrationPhase phase) throws SQLException {
        statement.setString(1, Objects.requireNonNull(migration, "migration"));
        statement.setString(2, Objects.requireNonNull(orderId, "orderId"));
        statement.setString(3, merchantId);
        statement.setString(4, phase.name());
        statement.setObject(5, SqlSupport.utc(clock.instant()));
    }

    private int update(String sqlText, String what, MigrationPhase phase, String... keys) {
        Objects.requireNonNull(phase, "phase");
        try (Connection connection = sql.connection();
             PreparedStatement update = connection.prepareStatement(sqlText)) {
            connection.setAutoCommit(true);
            update.setString(1, phase.name());
            update.setObject(2, SqlSupport.utc(clock.instant()));
            for (int i = 0; i < keys.length; i++) {
                update.setString(3 + i, keys[i]);
            }
            return update.executeUpdate();
        } catch (SQLException e) {
            throw sql.failure(what, e);
        }
    }
}
