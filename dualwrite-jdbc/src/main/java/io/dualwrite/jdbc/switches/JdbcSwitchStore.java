package io.dualwrite.jdbc.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.SwitchStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SwitchStore} on the table {@code dualwrite_switch}, shared by every instance of the
 * application. Each row is one switch: the system phase ({@code scope_kind = 'SYSTEM'}), a merchant or an
 * order phase (the id in {@code subject_id}), or a rule ({@code rule_kind}, {@code rule_value} — the
 * percentage or the id threshold — and {@code rule_position}), so rules read back exactly as written.
 *
 * <p>{@link #load} reads a migration in one query. Setting a phase is one upsert, clearing one delete;
 * {@link #setRules} replaces the rules in one transaction. Create the table first (see
 * {@link io.dualwrite.jdbc.schema.DualWriteSchema}). Thread-safe.
 */
public final class JdbcSwitchStore implements SwitchStore {

    private static final String SYSTEM = "SYSTEM";
    private static final String MERCHANT = "MERCHANT";
    private static final String ORDER = "ORDER";
    private static final String RULE = "RULE";
    private static final String MERCHANT_PERCENTAGE = "MERCHANT_PERCENTAGE";
    private static final String ID_THRESHOLD = "ID_THRESHOLD";
    private static final String COLUMNS =
            "migration, scope_kind, subject_id, phase, rule_kind, rule_value, rule_position, updated_at";
    private static final int TRIES = 5;

    private final SqlSupport sql;
    private final Clock clock;

    private JdbcSwitchStore(DataSource dataSource, Clock clock) {
        this.sql = new SqlSupport(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A store on the {@code dualwrite_switch} table of {@code dataSource}. */
    public static JdbcSwitchStore create(DataSource dataSource) {
        return new JdbcSwitchStore(dataSource, Clock.systemUTC());
    }

    /** A store whose {@code updated_at} times come from {@code clock}. */
    public static JdbcSwitchStore create(DataSource dataSource, Clock clock) {
        return new JdbcSwitchStore(dataSource, clock);
    }

    @Override
    public SwitchSettings load(String migration) {
        Checks.requireId("migration", migration);
        MigrationPhase system = null;
        Map<String, MigrationPhase> merchants = new HashMap<>();
        Map<String, MigrationPhase> orders = new HashMap<>();
        TreeMap<Integer, SwitchRule> rules = new TreeMap<>();
        try (Connection connection = sql.connection();
             PreparedStatement select = connection.prepareStatement("SELECT scope_kind, subject_id, phase, rule_kind,"
                     + " rule_value, rule_position FROM dualwrite_switch WHERE migration = ?")) {
            select.setString(1, migration);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String kind = rows.getString(1);
                    String subject = rows.getString(2);
                    MigrationPhase phase = SqlSupport.phase(rows.getString(3), "dualwrite_switch");
                    switch (kind) {
                        case SYSTEM -> system = phase;
                        case MERCHANT -> merchants.put(subject, phase);
                        case ORDER -> orders.put(subject, phase);
                        case RULE -> rules.put(rows.getInt(6), rule(rows.getString(4), rows.getLong(5), phase));
                        default -> throw new IllegalStateException(
                                "unknown scope_kind '" + kind + "' in dualwrite_switch for migration " + migration);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not load switches of migration " + migration + ": " + e.getMessage(), e);
        }
        return new SwitchSettings(system, merchants, orders, new ArrayList<>(rules.values()));
    }

    @Override
    public void setSystemPhase(String migration, MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Objects.requireNonNull(phase, "phase");
        set(migration, SYSTEM, "", phase);
    }

    @Override
    public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        set(migration, MERCHANT, Checks.requireId("merchantId", merchantId), phase);
    }

    @Override
    public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
        Checks.requireId("migration", migration);
        set(migration, ORDER, Checks.requireId("orderId", orderId), phase);
    }

    @Override
    public void setRules(String migration, List<SwitchRule> rules) {
        Checks.requireId("migration", migration);
        List<SwitchRule> copy = List.copyOf(rules);
        inTransaction("set the rules of migration " + migration, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM dualwrite_switch WHERE migration = ? AND scope_kind = ?")) {
                delete.setString(1, migration);
                delete.setString(2, RULE);
                delete.executeUpdate();
            }
            if (copy.isEmpty()) {
                return;
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO dualwrite_switch (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int position = 0; position < copy.size(); position++) {
                    SwitchRule rule = copy.get(position);
                    insert.setString(1, migration);
                    insert.setString(2, RULE);
                    insert.setString(3, Integer.toString(position));
                    insert.setString(4, rule.phase().name());
                    if (rule instanceof SwitchRule.MerchantPercentage percentage) {
                        insert.setString(5, MERCHANT_PERCENTAGE);
                        insert.setLong(6, percentage.percent());
                    } else if (rule instanceof SwitchRule.IdThreshold threshold) {
                        insert.setString(5, ID_THRESHOLD);
                        insert.setLong(6, threshold.threshold());
                    } else {
                        throw new IllegalArgumentException("unsupported rule " + rule);
                    }
                    insert.setInt(7, position);
                    insert.setObject(8, SqlSupport.utc(clock.instant()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    private void set(String migration, String kind, String subject, @Nullable MigrationPhase phase) {
        String what = "set the " + kind + " switch of migration " + migration;
        inTransaction(what, connection -> {
            if (phase == null) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM dualwrite_switch WHERE migration = ? AND scope_kind = ? AND subject_id = ?")) {
                    delete.setString(1, migration);
                    delete.setString(2, kind);
                    delete.setString(3, subject);
                    delete.executeUpdate();
                }
                return;
            }
            try (PreparedStatement upsert = connection.prepareStatement(upsertSql(sql.dialect(connection)))) {
                upsert.setString(1, migration);
                upsert.setString(2, kind);
                upsert.setString(3, subject);
                upsert.setString(4, phase.name());
                upsert.setObject(5, SqlSupport.utc(clock.instant()));
                upsert.executeUpdate();
            }
        });
    }

    private static String upsertSql(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (migration, scope_kind, subject_id)"
                    + " DO UPDATE SET phase = EXCLUDED.phase, updated_at = EXCLUDED.updated_at";
            case MYSQL -> "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE phase = VALUES(phase), updated_at = VALUES(updated_at)";
            case H2 -> "MERGE INTO dualwrite_switch (migration, scope_kind, subject_id, phase, updated_at)"
                    + " KEY (migration, scope_kind, subject_id) VALUES (?, ?, ?, ?, ?)";
        };
    }

    private static SwitchRule rule(String kind, long value, MigrationPhase phase) {
        return switch (kind) {
            case MERCHANT_PERCENTAGE -> SwitchRule.merchantPercentage((int) value, phase);
            case ID_THRESHOLD -> SwitchRule.idThreshold(value, phase);
            default -> throw new IllegalStateException("unknown rule_kind '" + kind + "' in dualwrite_switch");
        };
    }

    private void inTransaction(String what, SqlWork work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = sql.connection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    work.run(connection);
                    connection.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                if (attempt >= TRIES || !SqlSupport.isRetryable(e)) {
                    throw new IllegalStateException("could not " + what + ": " + e.getMessage(), e);
                }
                SqlSupport.pauseBeforeRetry(attempt); // a concurrent writer won a key or a deadlock; try again
            }
        }
    }

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    interface SqlWork {
        void run(Connection connection) throws SQLException;
    }
}
