package io.dualwrite.jdbc.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row that differs between the stores, as a verification reports it after reading it again.
 *
 * @param kind    how it differs
 * @param key     the primary key in the change log's string form ({@link io.dualwrite.jdbc.KeyCodec}), old-store
 *                values; what {@link io.dualwrite.jdbc.copy.RowCopier} takes
 * @param columns the columns whose values differ, by their old names (empty unless {@link Kind#DIFFERENT})
 */
public record RowDifference(Kind kind, String key, List<String> columns) {

    /** How a row differs. */
    public enum Kind {
        /** The old store has the row, the new one does not. */
        MISSING_IN_NEW,
        /** The new store has a row the old one does not. */
        EXTRA_IN_NEW,
        /** Both have the row, with different values in {@link #columns()}. */
        DIFFERENT
    }

    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code kind} or {@code key} is null
     */
    public RowDifference {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        columns = List.copyOf(columns);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", kind.name());
        map.put("key", key);
        if (kind == Kind.DIFFERENT) {
            map.put("columns", columns);
        }
        return map;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MISSING_IN_NEW -> key + " missing in new";
            case EXTRA_IN_NEW -> key + " extra in new";
            case DIFFERENT -> key + " differs in " + columns;
        };
    }
}
