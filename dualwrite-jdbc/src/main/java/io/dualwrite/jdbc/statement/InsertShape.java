package io.dualwrite.jdbc.statement;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an {@code INSERT}, upsert or {@code REPLACE} the analysis and the rewrite work on: the table,
 * the column list, the rows of {@code VALUES} (live lists of the parsed statement, so that the rewrite
 * can edit them) and the update sets of the conflict clause.
 */
record InsertShape(Table table, @Nullable ExpressionList<Column> columns,
                   @Nullable List<ExpressionList<Expression>> rows, List<List<UpdateSet>> updateSets,
                   @Nullable Insert insert) {

    @SuppressWarnings("unchecked")
    static @Nullable InsertShape of(Statement statement) {
        if (statement instanceof Insert insert) {
            List<List<UpdateSet>> sets = new ArrayList<>();
            if (insert.getDuplicateUpdateSets() != null) {
                sets.add(insert.getDuplicateUpdateSets());
            }
            if (insert.getConflictAction() != null && insert.getConflictAction().getUpdateSets() != null) {
                sets.add(insert.getConflictAction().getUpdateSets());
            }
            if (setForm(insert)) {
                // MySQL's and MariaDB's INSERT … SET col = value, …: one row, its columns named beside their values
                return ofSets(insert.getTable(), insert.getSetUpdateSets(), sets, insert);
            }
            Values values = insert.getSelect() instanceof Values v ? v : null;
            return new InsertShape(insert.getTable(), insert.getColumns(), rowsOf(values, insert.getColumns()), sets,
                    insert);
        }
        if (statement instanceof Upsert upsert) {
            List<List<UpdateSet>> sets = upsert.getDuplicateUpdateSets() == null ? List.of()
                    : List.of(upsert.getDuplicateUpdateSets());
            if (setForm(upsert)) {
                return ofSets(upsert.getTable(), upsert.getUpdateSets(), sets, null); // REPLACE … SET col = value, …
            }
            Values values = upsert.getSelect() instanceof Values v ? v : null;
            List<ExpressionList<Expression>> rows = values != null
                    ? rowsOf(values, upsert.getColumns())
                    : upsert.getSelect() != null ? null
                    : upsert.getExpressions() == null ? null : List.of((ExpressionList<Expression>) upsert.getExpressions());
            return new InsertShape(upsert.getTable(), upsert.getColumns(), rows, sets, null);
        }
        return null;
    }

    /** The shape of a {@code SET} form: its columns, and its values as one row (none when a set is not one-to-one). */
    private static InsertShape ofSets(Table table, List<UpdateSet> assignments, List<List<UpdateSet>> sets,
                                      @Nullable Insert insert) {
        if (!oneToOne(assignments)) {
            return new InsertShape(table, null, null, sets, insert);
        }
        ExpressionList<Column> columns = new ExpressionList<>();
        ExpressionList<Expression> row = new ExpressionList<>();
        for (UpdateSet set : assignments) {
            set.getColumns().forEach(columns::add);
            set.getValues().forEach(value -> row.add((Expression) value));
        }
        return new InsertShape(table, columns, List.of(row), sets, insert);
    }

    private static boolean oneToOne(List<UpdateSet> assignments) {
        return assignments.stream().allMatch(set -> set.getColumns().size() == set.getValues().size());
    }

    /**
     * Whether {@code statement} is MySQL's and MariaDB's {@code INSERT … SET col = value, …} or {@code REPLACE … SET
     * col = value, …} form: no column list, no {@code VALUES} nor query.
     */
    static boolean setForm(Statement statement) {
        if (statement instanceof Insert insert) {
            return insert.isUseSet() && insert.getSelect() == null && insert.getColumns() == null;
        }
        return statement instanceof Upsert upsert && upsert.getUpdateSets() != null
                && !upsert.getUpdateSets().isEmpty() && upsert.getSelect() == null && upsert.getColumns() == null;
    }

    /**
     * Rewrites an {@code INSERT … SET col = value, …} (or {@code REPLACE … SET}) in place as {@code INSERT … (col, …)
     * VALUES (value, …)}, the same row on MySQL and MariaDB (a value naming a column set before it reads that
     * column's new value in both forms), so that a rewrite edits its column list and row as those of any other
     * insert. Any other statement, or a set that is not one column to one value, is left as it is.
     */
    static void setAsValues(Statement statement) {
        List<UpdateSet> assignments = statement instanceof Insert insert ? insert.getSetUpdateSets()
                : statement instanceof Upsert upsert ? upsert.getUpdateSets() : null;
        if (assignments == null || !setForm(statement) || !oneToOne(assignments)) {
            return;
        }
        ExpressionList<Column> columns = new ExpressionList<>();
        ParenthesedExpressionList<Expression> row = new ParenthesedExpressionList<>();
        for (UpdateSet set : assignments) {
            set.getColumns().forEach(columns::add);
            set.getValues().forEach(value -> row.add((Expression) value));
        }
        if (statement instanceof Insert insert) {
            insert.setColumns(columns);
            insert.setSelect(new Values(row));
            insert.withSetUpdateSets(null);
        } else if (statement instanceof Upsert upsert) {
            upsert.setColumns(new ParenthesedExpressionList<>(columns)); // an upsert renders its list as it is given
            upsert.setSelect(new Values(row));
            upsert.setUpdateSets(null);
        }
    }

    @SuppressWarnings("unchecked")
    private static @Nullable List<ExpressionList<Expression>> rowsOf(@Nullable Values values,
                                                                    @Nullable ExpressionList<Column> columns) {
        if (values == null || values.getExpressions() == null) {
            return null;
        }
        ExpressionList<Expression> expressions = values.getExpressions();
        boolean multi = !expressions.isEmpty();
        for (Expression expression : expressions) {
            if (!(expression instanceof ParenthesedExpressionList<?>)) {
                multi = false;
                break;
            }
        }
        if (multi && columns != null && columns.size() > 1
                && ((ExpressionList<?>) expressions.get(0)).size() != columns.size()) {
            multi = false;
        }
        if (!multi) {
            return List.of(expressions);
        }
        List<ExpressionList<Expression>> rows = new ArrayList<>();
        for (Expression expression : expressions) {
            rows.add((ExpressionList<Expression>) expression);
        }
        return rows;
    }

    /** The column names without quotes. */
    List<String> columnNames() {
        List<String> names = new ArrayList<>();
        if (columns != null) {
            columns.forEach(column -> names.add(SqlText.unquote(column.getColumnName())));
        }
        return names;
    }
}
