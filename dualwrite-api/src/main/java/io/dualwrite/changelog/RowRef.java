package io.dualwrite.changelog;

import java.util.Objects;

/**
 * One row touched by a write: its table (old-store name), its primary key in the change log's string
 * form, and what was done to it.
 *
 * <p>Keys of one column are the column value as text; composite keys are produced and parsed by the
 * module that knows the columns (see {@code dualwrite-jdbc}). A key may be any string, also an empty one (a
 * {@code VARCHAR} key can be {@code ''}); the table is a name and cannot be blank.
 */
public record RowRef(String table, String key, Operation operation) {
    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException when {@code table} is null or blank
     * @throws NullPointerException when {@code key} or {@code operation} is null
     */
    public RowRef {
        io.dualwrite.internal.Checks.requireText("table", table);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
    }
}
