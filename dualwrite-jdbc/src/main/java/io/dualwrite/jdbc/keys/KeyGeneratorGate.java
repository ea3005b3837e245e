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
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PhaseGate} for the moment the new store starts generating keys, checked on both stores.
 *
 * <p>Two things can make the new store's generated keys collide. Rows copied into it with explicit ids do
 * not advance a PostgreSQL sequence or an H2 identity (MySQL's {@code AUTO_INCREMENT} does), so its generator
 * may lag behind the copied keys. And while some merchants are {@code NEW_PRIMARY} and others still
 * old-authoritative (or after a rollback), both stores generate keys for one table and mirror them to each
 * other: unless the generators are set apart by a {@link KeySplit}, they hand out the same keys. A move that
 * makes the new store authoritative ({@code NEW_PRIMARY}, {@code NEW_ONLY}) is refused while either can
 * happen, with a reason that names the stores, the table, the values and the fix; other moves are allowed.
 *
 * <p>Use it beside the standard gate: {@code PhaseGate.standard(...).and(KeyGeneratorGate.of(..., split))},
 * and call {@link #split()} once before the first merchant moves. Only single-column numeric keys with a
 * generator in the new table are checked; other tables pass. The rules are in {@code docs/key-generators.md}.
 */
public final class KeyGeneratorGate implements PhaseGate {

    private static final Logger log = LoggerFactory.getLogger(KeyGeneratorGate.class);

    private final String migration;
    private final DataSource oldStore;
    private final DataSource newStore;
    private final List<TableMapping> mappings;
    private final @Nullable KeySplit split;

    private KeyGeneratorGate(String migration, DataSource oldStore, DataSource newStore, List<TableMapping> mappings,
                             @Nullable KeySplit split) {
        this.migration = migration;
        this.oldStore = oldStore;
        this.newStore = newStore;
        this.mappings = mappings;
        this.split = split;
    }

    /**
     * A gate over the tables of one migration whose stores do not both generate keys (e.g. the old store's
     * keys come from the application): it checks that the new store's generators sit past the highest key,
     * and refuses for any table where both stores have a generator, naming {@link KeySplit}.
     *
     * @throws IllegalArgumentException when {@code migration} is blank
     */
    public static KeyGeneratorGate of(String migration, DataSource oldStore, DataSource newStore,
                                      List<TableMapping> mappings) {
        return create(migration, oldStore, newStore, mappings, null);
    }

    /**
     * A gate over the tables of one migration whose generators are kept apart as {@code split} says.
     *
     * @throws IllegalArgumentException when {@code migration} is blank
     */
    public static KeyGeneratorGate of(String migration, DataSource oldStore, DataSource newStore,
                                      List<TableMapping> mappings, KeySplit split) {
        return create(migration, oldStore, newStore, mappings, Objects.requireNonNull(split, "split"));
    }

    private static KeyGeneratorGate create(String migration, DataSource oldStore, DataSource newStore,
                                           List<TableMapping> mappings, @Nullable KeySplit split) {
        if (migration == null || migration.isBlank()) {
            throw new IllegalArgumentException("migration must be a non-blank string, but was '" + migration + "'");
        }
        return new KeyGeneratorGate(migration, Objects.requireNonNull(oldStore, "oldStore"),
                Objects.requireNonNull(newStore, "newStore"), List.copyOf(mappings), split);
    }

    /**
     * Allows a move that keeps the old store authoritative; for one that makes the new store authoritative,
     * reads the generators and keys of both stores and refuses while any table's generators could collide.
     * A store that cannot be read makes it refuse with the error.
     */
    @Override
    public GateVerdict check(String migration, MigrationPhase from, MigrationPhase to) {
        if (!this.migration.equals(migration) || to.authoritative() != Store.NEW) {
            return GateVerdict.allow("key generators: not checked, the new store does not generate keys in " + to);
        }
        try {
            List<String> problems = problems();
            if (!problems.isEmpty()) {
                return GateVerdict.refuse("key generators of the two stores could hand out the same keys: "
                        + String.join("; ", problems));
            }
            return GateVerdict.allow("key generators of both stores are apart"
                    + (split == null ? " (the new store's sit past the highest keys)" : " (" + split + ")"));
        } catch (SQLException | RuntimeException e) {
            return GateVerdict.refuse("key generators could not be checked: " + e);
        }
    }

    /**
     * Moves every lagging generator of the new store to one past the highest key of both stores. Enough only
     * where the old store generates no keys; otherwise use {@link #split()}.
     *
     * @return how many generators were moved
     * @throws SQLException when a store cannot be read or a generator cannot be moved
     */
    public int align() throws SQLException {
        int moved = 0;
        try (Connection oldConnection = oldStore.getConnection(); Connection newConnection = newStore.getConnection()) {
            for (TableMapping mapping : mappings) {
                Optional<TableKeys> keys = TableKeys.read(mapping, oldConnection, newConnection);
                if (keys.isPresent() && keys.get().newGenerator.isPresent()
                        && keys.get().newGenerator.get().next() <= keys.get().highest) {
                    keys.get().restartNew(keys.get().highest + 1, keys.get().newGenerator.get().step());
                    log.info("Moved the key generator of {} from {} to {}", keys.get().newName,
                            keys.get().newGenerator.get().next(), keys.get().highest + 1);
                    moved++;
                }
            }
        }
        return moved;
    }

    /**
     * Sets the generators of both stores apart as the {@link KeySplit} says, where a statement can: it restarts
     * PostgreSQL sequences and H2 identities (their value and step, in the old store too for
     * {@link KeySplit#interleaved}) and moves a MySQL/MariaDB table's {@code AUTO_INCREMENT} counter. It never
     * moves a generator back, and leaves one that is already apart alone, so it can be run again. Run it before
     * the first merchant becomes {@code NEW_PRIMARY}; each move is logged at INFO.
     *
     * @return how many generators were moved
     * @throws IllegalStateException when no split is configured while both stores generate keys, or when the
     *                               generators are still not apart after the moves (MySQL/MariaDB server variables
     *                               to set, disjoint ranges with a MySQL/MariaDB old store, a new range already in
     *                               use): the message names what is left and how to do it
     * @throws SQLException          when a store cannot be read or a generator cannot be moved
     */
    public int split() throws SQLException {
        int moved = 0;
        try (Connection oldConnection = oldStore.getConnection(); Connection newConnection = newStore.getConnection()) {
            for (TableMapping mapping : mappings) {
                Optional<TableKeys> keys = TableKeys.read(mapping, oldConnection, newConnection);
                if (keys.isPresent()) {
                    moved += KeyRules.apply(keys.get(), split);
                }
            }
        }
        List<String> left = problems();
        if (!left.isEmpty()) {
            throw new IllegalStateException("the key generators are not apart yet (" + moved + " moved): "
                    + String.join("; ", left));
        }
        return moved;
    }

    private List<String> problems() throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Connection oldConnection = oldStore.getConnection(); Connection newConnection = newStore.getConnection()) {
            for (TableMapping mapping : mappings) {
                Optional<TableKeys> keys = TableKeys.read(mapping, oldConnection, newConnection);
                if (keys.isPresent()) {
                    problems.addAll(KeyRules.problems(keys.get(), split));
                }
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        return "KeyGeneratorGate[migration=" + migration + ", tables=" + mappings.size() + ", split=" + split + "]";
    }
}
