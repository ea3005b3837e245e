package io.dualwrite.jdbc.keys;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.GateVerdict;
import io.dualwrite.switches.PhaseGate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PhaseGate} for the moment the new store starts generating keys: rows copied into it with
 * explicit ids do not advance a PostgreSQL sequence or an H2 identity (MySQL's {@code AUTO_INCREMENT}
 * does), so before the new store becomes authoritative ({@code NEW_PRIMARY}, {@code NEW_ONLY}) its
 * generator must sit past the highest key of both stores, or the first insert collides with a copied
 * row. Moves that keep the old store authoritative are allowed.
 *
 * <p>Combine it with the standard gate: {@code PhaseGate.standard(...).and(KeyGeneratorGate.of(...))}.
 * {@link #align()} moves every generator that lags past the highest key.
 *
 * <p>Only single-column numeric keys with a generator on the new table are checked; other tables pass.
 */
public final class KeyGeneratorGate implements PhaseGate {

    private static final Logger log = LoggerFactory.getLogger(KeyGeneratorGate.class);

    private final String migration;
    private final DataSource oldStore;
    private final DataSource newStore;
    private final List<TableMapping> mappings;

    private KeyGeneratorGate(String migration, DataSource oldStore, DataSource newStore, List<TableMapping> mappings) {
        this.migration = migration;
        this.oldStore = oldStore;
        this.newStore = newStore;
        this.mappings = mappings;
    }

    /** A gate over the tables of one migration. */
    public static KeyGeneratorGate of(String migration, DataSource oldStore, DataSource newStore,
                                      List<TableMapping> mappings) {
        if (migration == null || migration.isBlank()) {
            throw new IllegalArgumentException("migration must be a non-blank string, but was '" + migration + "'");
        }
        return new KeyGeneratorGate(migration, Objects.requireNonNull(oldStore, "oldStore"),
                Objects.requireNonNull(newStore, "newStore"), List.copyOf(mappings));
    }

    @Override
    public GateVerdict check(String migration, MigrationPhase from, MigrationPhase to) {
        if (!this.migration.equals(migration) || to.authoritative() != Store.NEW) {
            return GateVerdict.allow("key generators: not checked, the new store does not generate keys in " + to);
        }
        try {
            List<String> lagging = new ArrayList<>();
            for (Lag lag : lags()) {
                lagging.add(lag.describe());
            }
            if (!lagging.isEmpty()) {
                return GateVerdict.refuse("key generators of the new store lag behind the highest keys: "
                        + String.join("; ", lagging) + "; align them (KeyGeneratorGate.align) before the new store "
                        + "becomes authoritative");
            }
            return GateVerdict.allow("key generators of the new store sit past the highest keys");
        } catch (SQLException | RuntimeException e) {
            return GateVerdict.refuse("key generators could not be checked: " + e);
        }
    }

    /**
     * Moves every lagging generator of the new store to one past the highest key of both stores.
     *
     * @return how many generators were moved
     */
    public int align() throws SQLException {
        List<Lag> lags = lags();
        try (Connection connection = newStore.getConnection()) {
            for (Lag lag : lags) {
                KeyGenerators.restartAt(connection, lag.table, lag.column, lag.highest + 1);
                log.info("Moved the key generator of {}.{} from {} to {}", lag.table, lag.column, lag.next, lag.highest + 1);
            }
        }
        return lags.size();
    }

    private List<Lag> lags() throws SQLException {
        List<Lag> lags = new ArrayList<>();
        try (Connection oldConnection = oldStore.getConnection(); Connection newConnection = newStore.getConnection()) {
            for (TableMapping mapping : mappings) {
                if (mapping.primaryKey().size() != 1) {
                    continue;
                }
                String newColumn = mapping.newPrimaryKey().get(0);
                // The highest keys first: a table missing in either store is an error, not a pass.
                long highest = Math.max(
                        KeyGenerators.maxValue(oldConnection, mapping.oldTable(), mapping.primaryKey().get(0)).orElse(0),
                        KeyGenerators.maxValue(newConnection, mapping.newTable(), newColumn).orElse(0));
                OptionalLong next = KeyGenerators.nextValue(newConnection, mapping.newTable(), newColumn);
                if (next.isEmpty()) {
                    continue;
                }
                if (next.getAsLong() <= highest) {
                    lags.add(new Lag(mapping.newTable(), newColumn, next.getAsLong(), highest));
                }
            }
        }
        return lags;
    }

    private record Lag(String table, String column, long next, long highest) {
        String describe() {
            return table + "." + column + " would generate " + next + " but the highest key is " + highest;
        }
    }

    @Override
    public String toString() {
        return "KeyGeneratorGate[migration=" + migration + ", tables=" + mappings.size() + "]";
    }
}
