package io.dualwrite.jdbc.copy;

import io.dualwrite.jdbc.Dialect;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The start check of the values a mapping adds ({@link TableMapping#addedColumns()}): a constant its new column cannot
 * hold would be refused in every row the copier writes, one by one after each chunk failed, so a job naming such a
 * mapping is refused before any row instead. Used by the backfill's start checks.
 */
public final class AddedValues {

    private AddedValues() {
    }

    /**
     * One problem per value {@code mapping} adds that its column of the new table, read on {@code newStore}, cannot
     * hold as the copier writes it: naming the table, the column, the value and what the column holds. Columns the
     * new table lacks are left to the mapping's own validation.
     *
     * @throws SQLException when the new table's columns cannot be read
     */
    public static List<String> problems(Connection newStore, TableMapping mapping) throws SQLException {
        List<String> problems = new ArrayList<>();
        if (mapping.addedColumns().values().stream().allMatch(java.util.Objects::isNull)) {
            return problems;
        }
        CopyDialect dialect = CopyDialect.of(Dialect.detect(newStore));
        TableColumns columns = TableColumns.read(newStore, dialect, mapping.newTable());
        for (Map.Entry<String, @Nullable Object> added : mapping.addedColumns().entrySet()) {
            if (added.getValue() == null) {
                continue;
            }
            TableColumns.Column column;
            try {
                column = columns.get(added.getKey());
            } catch (SQLException missing) {
                continue;
            }
            try {
                Holdable.require(Values.writtenValue(added.getValue(), column), added.getValue(), column, dialect);
            } catch (UnholdableValueException refused) {
                problems.add("new table '" + mapping.newTable() + "': the value '" + refused.value() + "' the mapping"
                        + " adds in column " + added.getKey() + " cannot be held: the " + refused.allowed()
                        + "; give TableMapping.Builder.add a value the column holds, or the column a type that holds"
                        + " it");
            }
        }
        return problems;
    }
}
