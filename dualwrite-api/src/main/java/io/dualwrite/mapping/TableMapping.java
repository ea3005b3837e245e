package io.dualwrite.mapping;

import io.dualwrite.Store;
import io.dualwrite.internal.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How the rows of one old table become rows of the new table: the new table's name, renamed, dropped
 * and added columns, value transformers and the primary key. One mapping serves every copy of a
 * row between the stores (the live sync and the reconciler) and the rewriting of statements for the new
 * store. Without renames it is the identity.
 *
 * <p>Every table and column name is checked when it is given to the builder: it must be an unquoted SQL
 * identifier, {@code [A-Za-z_][A-Za-z0-9_$]*} of at most 63 characters, and a table name may be qualified
 * once by a schema ({@code sales.orders}). Nothing else gets in (no spaces, quotes, backticks, semicolons,
 * comments), so a name taken from configuration can never carry SQL into the statements the library
 * builds from it. Reserved words ({@code order}, {@code key}) and mixed case are accepted: the library quotes
 * the identifiers it generates.
 *
 * <p>Column names are matched case-insensitively; the names given to the builder are the ones the mapping
 * produces. Immutable and thread-safe.
 *
 * <pre>{@code
 * TableMapping orders = TableMapping.builder("orders")
 *         .newTable("orders_v2")
 *         .primaryKey("id")
 *         .rename("amount", "amount_cents")
 *         .transform("amount", ValueTransformer.of(v -> ..., v -> ...))
 *         .drop("legacy_flag")
 *         .add("currency", "EUR")
 *         .orderIdColumn("id").merchantIdColumn("merchant_id")
 *         .build();
 * }</pre>
 */
public final class TableMapping {

    private final String oldTable;
    private final String newTable;
    private final List<String> primaryKey;
    private final List<String> newPrimaryKey;
    private final Map<String, String> renames;           // lower-case old name -> new name
    private final Map<String, String> reverseRenames;    // lower-case new name -> old name
    private final Set<String> dropped;                   // lower-case old names
    private final Map<String, @Nullable Object> added;   // new name -> default value
    private final Set<String> addedKeys;                 // lower-case new names of added columns
    private final Map<String, ValueTransformer> transformers; // lower-case old name -> transformer
    private final @Nullable String orderIdColumn;
    private final @Nullable String merchantIdColumn;
    /**
     * {@link #newColumn} by old name as spelt, so that copying a row does not fold every column name to lower case
     * and look it up again (a tenth of a backfill's CPU on H2 went there). At most {@value #MAX_CACHED_NAMES}.
     */
    private final Map<String, Optional<String>> newNames = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_NAMES = 1024;

    private TableMapping(Builder builder) {
        this.oldTable = builder.oldTable;
        this.newTable = builder.newTable == null ? builder.oldTable : builder.newTable;
        this.primaryKey = List.copyOf(builder.primaryKey.isEmpty() ? List.of("id") : builder.primaryKey);
        this.renames = Collections.unmodifiableMap(new LinkedHashMap<>(builder.renames));
        Map<String, String> reverse = new LinkedHashMap<>();
        builder.renames.forEach((oldName, newName) -> reverse.put(lower(newName), builder.originalNames.get(oldName)));
        this.reverseRenames = Collections.unmodifiableMap(reverse);
        this.dropped = Collections.unmodifiableSet(new LinkedHashSet<>(builder.dropped));
        this.added = Collections.unmodifiableMap(new LinkedHashMap<>(builder.added));
        Set<String> addedKeys = new HashSet<>();
        added.keySet().forEach(column -> addedKeys.add(lower(column)));
        this.addedKeys = Set.copyOf(addedKeys);
        this.transformers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.transformers));
        this.orderIdColumn = builder.orderIdColumn;
        this.merchantIdColumn = builder.merchantIdColumn;
        // build() refuses a dropped key column, so every key column has a new name.
        this.newPrimaryKey = primaryKey.stream().map(column -> newColumn(column).orElseThrow()).toList();
    }

    /**
     * Starts a mapping for an old table.
     *
     * @throws IllegalArgumentException when {@code oldTable} is not a table name (see the class comment)
     */
    public static Builder builder(String oldTable) {
        return new Builder(oldTable);
    }

    /**
     * The identity mapping of a table whose primary key is {@code id}.
     *
     * @throws IllegalArgumentException when {@code table} is not a table name (see the class comment)
     */
    public static TableMapping identity(String table) {
        return builder(table).build();
    }

    /** The old table's name. */
    public String oldTable() {
        return oldTable;
    }

    /** The new table's name (the old name unless renamed). */
    public String newTable() {
        return newTable;
    }

    /** The table's name in the given store. */
    public String table(Store store) {
        return store == Store.OLD ? oldTable : newTable;
    }

    /** The primary-key columns, by their old names (defaults to {@code id}). */
    public List<String> primaryKey() {
        return primaryKey;
    }

    /** The primary-key columns by their new names. */
    public List<String> newPrimaryKey() {
        return newPrimaryKey;
    }

    /** The new name of an old column; empty when the column is dropped. */
    public Optional<String> newColumn(String oldColumn) {
        Optional<String> known = newNames.get(oldColumn);
        if (known != null) {
            return known;
        }
        Optional<String> name = resolveNewColumn(oldColumn);
        if (newNames.size() < MAX_CACHED_NAMES) {
            newNames.put(oldColumn, name);
        }
        return name;
    }

    private Optional<String> resolveNewColumn(String oldColumn) {
        String key = lower(oldColumn);
        if (dropped.contains(key)) {
            return Optional.empty();
        }
        return Optional.of(renames.getOrDefault(key, oldColumn));
    }

    /** The old name of a new column; empty when the column is one the mapping adds. */
    public Optional<String> oldColumn(String newColumn) {
        String key = lower(newColumn);
        String renamedFrom = reverseRenames.get(key);
        if (renamedFrom != null) {
            return Optional.of(renamedFrom);
        }
        if (addedKeys.contains(key)) {
            return Optional.empty();
        }
        if (renames.containsKey(key)) {
            // the old column of this name was renamed away, so no old column maps here
            return Optional.empty();
        }
        return Optional.of(newColumn);
    }

    /** The value of an old column as the new store holds it. */
    public @Nullable Object toNewValue(String oldColumn, @Nullable Object value) {
        if (transformers.isEmpty()) {
            return value;
        }
        ValueTransformer transformer = transformers.get(lower(oldColumn));
        return transformer == null ? value : transformer.toNew(value);
    }

    /** The value of a new column as the old store holds it (by the column's old name). */
    public @Nullable Object toOldValue(String oldColumn, @Nullable Object value) {
        if (transformers.isEmpty()) {
            return value;
        }
        ValueTransformer transformer = transformers.get(lower(oldColumn));
        return transformer == null ? value : transformer.toOld(value);
    }

    /** Whether a value transformer applies to an old column. */
    public boolean transforms(String oldColumn) {
        return transformers.containsKey(lower(oldColumn));
    }

    /** Columns the new table has and the old one does not, with the value each gets. */
    public Map<String, @Nullable Object> addedColumns() {
        return added;
    }

    /** Old columns that have no counterpart in the new table. */
    public Set<String> droppedColumns() {
        return dropped;
    }

    /**
     * An old row as the new table holds it: columns renamed, dropped and added, values transformed.
     * The iteration order of the result follows {@code oldRow}, then the added columns.
     */
    public Map<String, @Nullable Object> toNewRow(Map<String, ?> oldRow) {
        // sized to hold every column without growing: a copy maps every row it writes
        Map<String, @Nullable Object> row = new LinkedHashMap<>((int) ((oldRow.size() + added.size()) / 0.75f) + 1);
        oldRow.forEach((column, value) -> newColumn(column)
                .ifPresent(newName -> row.put(newName, toNewValue(column, value))));
        added.forEach(row::putIfAbsent);
        return row;
    }

    /** A new row as the old table holds it; added columns are left out, dropped ones are absent. */
    public Map<String, @Nullable Object> toOldRow(Map<String, ?> newRow) {
        Map<String, @Nullable Object> row = new LinkedHashMap<>((int) (newRow.size() / 0.75f) + 1);
        newRow.forEach((column, value) -> oldColumn(column)
                .ifPresent(oldName -> row.put(oldName, toOldValue(oldName, value))));
        return row;
    }

    /** The old column holding the order id, if the mapping names one. */
    public Optional<String> orderIdColumn() {
        return Optional.ofNullable(orderIdColumn);
    }

    /** The old column holding the merchant id, if the mapping names one. */
    public Optional<String> merchantIdColumn() {
        return Optional.ofNullable(merchantIdColumn);
    }

    /** Whether rows are the same in both stores: same table name, no column or value changes. */
    public boolean isIdentity() {
        return oldTable.equalsIgnoreCase(newTable) && renames.isEmpty() && dropped.isEmpty()
                && added.isEmpty() && transformers.isEmpty();
    }

    @Override
    public String toString() {
        return "TableMapping[" + oldTable + " -> " + newTable + ", key=" + primaryKey + ", renames=" + renames
                + ", dropped=" + dropped + ", added=" + added.keySet() + ", transformed=" + transformers.keySet() + "]";
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }


    /**
     * Builds a {@link TableMapping}. Each setter checks its input at once and throws
     * {@link IllegalArgumentException} naming the property, the value and what is allowed when a table or
     * column name is not an identifier (see {@link TableMapping}), and when {@code rename}, {@code add} or
     * {@code transform} is given a second time for one column (case-insensitively) or {@code primaryKey} names no
     * column.
     */
    public static final class Builder {
        private final String oldTable;
        private @Nullable String newTable;
        private final List<String> primaryKey = new ArrayList<>();
        private final Map<String, String> renames = new LinkedHashMap<>();
        private final Map<String, String> originalNames = new LinkedHashMap<>();
        private final Set<String> dropped = new LinkedHashSet<>();
        private final Map<String, @Nullable Object> added = new LinkedHashMap<>();
        private final Map<String, ValueTransformer> transformers = new LinkedHashMap<>();
        private @Nullable String orderIdColumn;
        private @Nullable String merchantIdColumn;

        private Builder(String oldTable) {
            this.oldTable = Checks.requireTableName("oldTable", oldTable);
        }

        /** The new table's name, optionally {@code schema.table}; defaults to the old one. */
        public Builder newTable(String newTable) {
            this.newTable = Checks.requireTableName("newTable", newTable);
            return this;
        }

        /** The primary-key columns by their old names; defaults to {@code id}. */
        public Builder primaryKey(String... columns) {
            if (columns.length == 0) {
                throw new IllegalArgumentException("primaryKey must name at least one column, but was empty");
            }
            primaryKey.clear();
            for (String column : columns) {
                primaryKey.add(Checks.requireColumnName("primaryKey", column));
            }
            return this;
        }

        /** An old column that the new table holds under another name. */
        public Builder rename(String oldColumn, String newColumn) {
            String key = lower(Checks.requireColumnName("rename.oldColumn", oldColumn));
            if (renames.containsKey(key)) {
                throw new IllegalArgumentException("rename of column '" + oldColumn + "' is set twice (to '"
                        + renames.get(key) + "' and to '" + newColumn + "'); rename each column once");
            }
            renames.put(key, Checks.requireColumnName("rename.newColumn", newColumn));
            originalNames.put(key, oldColumn);
            return this;
        }

        /** An old column the new table does not have. */
        public Builder drop(String oldColumn) {
            dropped.add(lower(Checks.requireColumnName("drop", oldColumn)));
            return this;
        }

        /** A new column the old table does not have, with the value every mirrored or copied row gets. */
        public Builder add(String newColumn, @Nullable Object value) {
            Checks.requireColumnName("add", newColumn);
            for (String column : added.keySet()) {
                if (column.equalsIgnoreCase(newColumn)) {
                    // the second value would silently replace the first
                    throw new IllegalArgumentException("add of column '" + newColumn + "' is set twice (first as '"
                            + column + "'); give each added column once, with its one value");
                }
            }
            added.put(newColumn, value);
            return this;
        }

        /** A transformer for the values of an old column. */
        public Builder transform(String oldColumn, ValueTransformer transformer) {
            String key = lower(Checks.requireColumnName("transform", oldColumn));
            if (transformer == null) {
                throw new IllegalArgumentException("transform for column '" + oldColumn + "' must not be null");
            }
            if (transformers.containsKey(key)) {
                // the second transformer would silently replace the first
                throw new IllegalArgumentException("transform of column '" + oldColumn + "' is set twice; compose the"
                        + " two into one ValueTransformer");
            }
            transformers.put(key, transformer);
            return this;
        }

        /** The old column holding the order id: lets statements without a context pick their switch. */
        public Builder orderIdColumn(String oldColumn) {
            this.orderIdColumn = Checks.requireColumnName("orderIdColumn", oldColumn);
            return this;
        }

        /** The old column holding the merchant id: decides the phase of each copied row, and routes statements without a context. */
        public Builder merchantIdColumn(String oldColumn) {
            this.merchantIdColumn = Checks.requireColumnName("merchantIdColumn", oldColumn);
            return this;
        }

        /**
         * The mapping.
         *
         * @throws IllegalArgumentException when a primary-key column is dropped or named twice, a dropped column
         *     is also renamed or transformed, or two columns of the new table would get one name: two renames to
         *     the same column, a rename or an added column named like a known column (primary key, order or
         *     merchant id) that keeps its name, or a rename to an added column
         */
        public TableMapping build() {
            List<String> keyColumns = primaryKey.isEmpty() ? List.of("id") : primaryKey;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String column : keyColumns) {
                if (dropped.contains(lower(column))) {
                    throw new IllegalArgumentException("primaryKey column '" + column + "' cannot be dropped");
                }
                if (!seen.add(lower(column))) {
                    // column names compare without case, as the databases compare unquoted names
                    throw new IllegalArgumentException("primaryKey " + keyColumns + " names column '" + column
                            + "' twice; name each key column once");
                }
            }
            for (String column : dropped) {
                String what = renames.containsKey(column) ? "renamed to '" + renames.get(column) + "'"
                        : transformers.containsKey(column) ? "given a value transformer" : null;
                if (what != null) {
                    // one of the two would be ignored: a rename of a dropped column never reaches the new table
                    throw new IllegalArgumentException("column '" + originalNames.getOrDefault(column, column)
                            + "' is both dropped and " + what + "; a dropped column is not copied, so remove one"
                            + " of the two");
                }
            }
            checkNewNamesAreDistinct(keyColumns);
            return new TableMapping(this);
        }

        private void checkNewNamesAreDistinct(List<String> keyColumns) {
            Map<String, String> owners = new LinkedHashMap<>();
            List<String> kept = new ArrayList<>(keyColumns);
            if (orderIdColumn != null) {
                kept.add(orderIdColumn);
            }
            if (merchantIdColumn != null) {
                kept.add(merchantIdColumn);
            }
            for (String column : kept) {
                String key = lower(column);
                if (!renames.containsKey(key) && !dropped.contains(key)) {
                    owners.putIfAbsent(key, "column '" + column + "', which keeps its name");
                }
            }
            renames.forEach((key, target) -> {
                String owner = owners.putIfAbsent(lower(target),
                        "the rename of '" + originalNames.get(key) + "'");
                if (owner != null) {
                    throw new IllegalArgumentException("rename of column '" + originalNames.get(key) + "' to '"
                            + target + "' gives the new table a second column '" + target + "' (besides " + owner
                            + "); each new column needs its own name");
                }
            });
            for (String column : added.keySet()) {
                String owner = owners.get(lower(column));
                if (owner != null) {
                    throw new IllegalArgumentException("added column '" + column
                            + "' gives the new table a second column of that name (besides " + owner
                            + "); each new column needs its own name");
                }
            }
        }
    }
}
