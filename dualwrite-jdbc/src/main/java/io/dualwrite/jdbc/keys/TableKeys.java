package io.dualwrite.jdbc.keys;

import io.dualwrite.jdbc.keys.KeyGenerators.Generator;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One table's single numeric key column in both stores, with each store's generator and the highest key,
 * read at one moment over two open connections (which it also uses for the look-ups the rules need).
 */
final class TableKeys {

    /** How many keys at or above a generator's next value are looked at for one already taken. */
    static final int LOOK_AHEAD = 1_000;

    final String oldName;
    final String newName;
    final String oldStore;
    final String newStore;
    final Optional<Generator> oldGenerator;
    final Optional<Generator> newGenerator;
    final long highest;
    private final TableMapping mapping;
    private final Connection oldConnection;
    private final Connection newConnection;

    private TableKeys(TableMapping mapping, Connection oldConnection, Connection newConnection, String oldStore,
                      String newStore, Optional<Generator> oldGenerator, Optional<Generator> newGenerator, long highest) {
        this.mapping = mapping;
        this.oldConnection = oldConnection;
        this.newConnection = newConnection;
        this.oldName = mapping.oldTable() + "." + oldColumn(mapping);
        this.newName = mapping.newTable() + "." + newColumn(mapping);
        this.oldStore = oldStore;
        this.newStore = newStore;
        this.oldGenerator = oldGenerator;
        this.newGenerator = newGenerator;
        this.highest = highest;
    }

    /**
     * The keys of a mapping's table; empty when the key has more than one column.
     *
     * @throws SQLException when a table is missing in either store, or a store cannot be read
     */
    static Optional<TableKeys> read(TableMapping mapping, Connection oldConnection, Connection newConnection)
            throws SQLException {
        if (mapping.primaryKey().size() != 1) {
            return Optional.empty();
        }
        // the highest keys first: a table missing in either store is an error, not a pass
        long highest = Math.max(
                KeyGenerators.maxValue(oldConnection, mapping.oldTable(), oldColumn(mapping)).orElse(0),
                KeyGenerators.maxValue(newConnection, mapping.newTable(), newColumn(mapping)).orElse(0));
        return Optional.of(new TableKeys(mapping, oldConnection, newConnection,
                "old store (" + oldConnection.getMetaData().getDatabaseProductName() + ")",
                "new store (" + newConnection.getMetaData().getDatabaseProductName() + ")",
                KeyGenerators.generator(oldConnection, mapping.oldTable(), oldColumn(mapping)),
                KeyGenerators.generator(newConnection, mapping.newTable(), newColumn(mapping)), highest));
    }

    /** The lowest key at or above {@code from} in either store. */
    OptionalLong minAtOrAbove(long from) throws SQLException {
        OptionalLong inOld = KeyGenerators.minAtOrAbove(oldConnection, mapping.oldTable(), oldColumn(mapping), from);
        OptionalLong inNew = KeyGenerators.minAtOrAbove(newConnection, mapping.newTable(), newColumn(mapping), from);
        if (inOld.isEmpty()) {
            return inNew;
        }
        return inNew.isEmpty() ? inOld : OptionalLong.of(Math.min(inOld.getAsLong(), inNew.getAsLong()));
    }

    /**
     * A key a generator stepping through the series of {@code offset} from {@code next} would hand out again:
     * the first such key among the {@value #LOOK_AHEAD} keys at or above {@code next} in each store.
     */
    OptionalLong takenAhead(long next, KeySplit.Interleaved split, int offset) throws SQLException {
        long first = Long.MAX_VALUE;
        for (List<Long> keys : List.of(
                KeyGenerators.valuesAtOrAbove(oldConnection, mapping.oldTable(), oldColumn(mapping), next, LOOK_AHEAD),
                KeyGenerators.valuesAtOrAbove(newConnection, mapping.newTable(), newColumn(mapping), next, LOOK_AHEAD))) {
            for (long key : keys) {
                if (split.inSeries(key, offset)) {
                    first = Math.min(first, key);
                    break;
                }
            }
        }
        return first == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(first);
    }

    /** Restarts the old store's generator at {@code next}, stepping {@code step}. */
    void restartOld(long next, long step) throws SQLException {
        restart(oldConnection, mapping.oldTable(), oldColumn(mapping), oldGenerator.orElseThrow(), next, step);
    }

    /** Restarts the new store's generator at {@code next}, stepping {@code step}. */
    void restartNew(long next, long step) throws SQLException {
        restart(newConnection, mapping.newTable(), newColumn(mapping), newGenerator.orElseThrow(), next, step);
    }

    private static void restart(Connection connection, String table, String column, Generator generator, long next,
                                long step) throws SQLException {
        if (generator.variable() || generator.step() == step) {
            KeyGenerators.restartAt(connection, table, column, next); // MySQL: the step is the server's
        } else {
            KeyGenerators.restartAt(connection, table, column, next, step);
        }
    }

    private static String oldColumn(TableMapping mapping) {
        return mapping.primaryKey().get(0);
    }

    private static String newColumn(TableMapping mapping) {
        return mapping.newPrimaryKey().get(0);
    }
}
