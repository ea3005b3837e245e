package io.dualwrite.jdbc.statement;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Rewrites one write statement of a mapped table for a store: on the new store the table and columns are
 * renamed, dropped columns leave the column list and {@code SET} together with their values, added
 * columns are appended with their value, and parameters bound to transformed columns are marked for
 * their transformer. Either store can get the primary-key columns appended, carrying generated keys.
 */
final class Rewriter {

    /** The statement cannot be rewritten for the new store. */
    static final class NotRewritable extends Exception {
        NotRewritable(String message) {
            super(message);
        }
    }

    /** Unchecked twin thrown from inside visitors. */
    static final class NotRewritableRuntime extends RuntimeException {
        NotRewritableRuntime(String message) {
            super(message);
        }
    }

    private final TableMapping mapping;
    private final Map<Integer, String> transformColumns = new HashMap<>();

    private final StatementAnalyzer.NewTableColumns newColumns;

    Rewriter(TableMapping mapping, Map<Integer, String> parameterColumns, StatementAnalyzer.NewTableColumns newColumns) {
        this.mapping = mapping;
        this.newColumns = newColumns;
        parameterColumns.forEach((index, column) -> {
            if (mapping.transforms(column)) {
                transformColumns.put(index, column);
            }
        });
    }

    RenderedSql render(String numbered, Store target) throws Exception {
        Statement statement = StatementAnalyzer.parse(numbered);
        List<ParamSource> extras = new ArrayList<>();
        try {
            if (target == Store.NEW) {
                toNew(statement, extras);
            }
        } catch (NotRewritableRuntime e) {
            throw new NotRewritable(e.getMessage());
        }
        return SqlText.plan(statement.toString(), extras, target == Store.NEW ? transformColumns : Map.of());
    }

    /** {@code SELECT <key columns> FROM <table> WHERE <the statement's WHERE>}, for an update or delete. */
    RenderedSql keySelect(String numbered, Store target) throws Exception {
        Statement statement = StatementAnalyzer.parse(numbered);
        Table table = statement instanceof Update update ? update.getTable() : ((Delete) statement).getTable();
        Expression where = statement instanceof Update update ? update.getWhere() : ((Delete) statement).getWhere();
        if (target == Store.NEW) {
            ColumnRenamer renamer = renamer(table);
            StatementAnalyzer.renameTable(table, newTable());
            if (where != null) {
                try {
                    where.accept(renamer, null);
                } catch (NotRewritableRuntime e) {
                    throw new NotRewritable(e.getMessage());
                }
            }
        }
        List<String> key = target == Store.NEW ? mapping.newPrimaryKey() : mapping.primaryKey();
        // the key columns as configured: the write path quotes them for the store it runs on
        String sql = "SELECT " + String.join(", ", key) + " FROM " + table + (where == null ? "" : " WHERE " + where);
        return SqlText.plan(sql, List.of(), target == Store.NEW ? transformColumns : Map.of());
    }

    private void toNew(Statement statement, List<ParamSource> extras) {
        InsertShape.setAsValues(statement); // the SET form's columns and row edited as a column list and VALUES
        InsertShape shape = InsertShape.of(statement);
        net.sf.jsqlparser.statement.ReturningClause returning = statement instanceof Insert insert
                ? insert.getReturningClause() : statement instanceof Update update ? update.getReturningClause()
                : statement instanceof Delete delete ? delete.getReturningClause() : null;
        if (returning != null) {
            Table table = statement instanceof Insert insert ? insert.getTable()
                    : statement instanceof Update update ? update.getTable() : ((Delete) statement).getTable();
            returningToNew(returning, renamer(table));
        }
        if (shape != null) {
            insertToNew(shape, extras);
        } else if (statement instanceof Update update) {
            ColumnRenamer renamer = renamer(update.getTable());
            StatementAnalyzer.renameTable(update.getTable(), newTable());
            renameSets(update.getUpdateSets(), renamer);
            if (update.getUpdateSets().isEmpty()) {
                throw new NotRewritableRuntime("the update sets only columns the new table drops");
            }
            if (update.getWhere() != null) {
                update.getWhere().accept(renamer, null);
            }
        } else if (statement instanceof Delete delete) {
            ColumnRenamer renamer = renamer(delete.getTable());
            StatementAnalyzer.renameTable(delete.getTable(), newTable());
            if (delete.getWhere() != null) {
                delete.getWhere().accept(renamer, null);
            }
        }
    }

    private void insertToNew(InsertShape shape, List<ParamSource> extras) {
        ColumnRenamer renamer = renamer(shape.table());
        StatementAnalyzer.renameTable(shape.table(), newTable());
        ExpressionList<Column> columns = shape.columns();
        List<ExpressionList<Expression>> rows = shape.rows();
        if (columns == null || rows == null) {
            throw new NotRewritableRuntime("an insert without a column list and VALUES cannot be rewritten");
        }
        for (int c = columns.size() - 1; c >= 0; c--) {
            String name = SqlText.unquote(columns.get(c).getColumnName());
            var renamed = mapping.newColumn(name);
            if (renamed.isEmpty()) {
                columns.remove(c);
                for (ExpressionList<Expression> row : rows) {
                    row.remove(c);
                }
                continue;
            }
            if (mapping.transforms(name)) {
                for (ExpressionList<Expression> row : rows) {
                    if (!(row.get(c) instanceof JdbcParameter)) {
                        throw new NotRewritableRuntime("column '" + name + "' is transformed but its value is not a parameter");
                    }
                }
            }
            columns.get(c).setColumnName(newColumn(renamed.get()));
        }
        rows.forEach(row -> row.forEach(expression -> expression.accept(renamer, null)));
        Set<String> present = new HashSet<>();
        columns.forEach(column -> present.add(column.getColumnName().toLowerCase(Locale.ROOT)));
        mapping.addedColumns().forEach((name, value) -> {
            if (present.add(name.toLowerCase(Locale.ROOT))) {
                columns.add(new Column(newColumn(name)));
                for (ExpressionList<Expression> row : rows) {
                    row.add(marker(extras, ParamSource.constant(value)));
                }
            }
        });
        shape.updateSets().forEach(sets -> renameSets(sets, renamer));
        if (shape.insert() != null) {
            InsertConflictTarget target = shape.insert().getConflictTarget();
            if (target != null && target.getIndexColumnNames() != null && !target.getIndexColumnNames().isEmpty()) {
                List<String> renamed = new ArrayList<>();
                for (String name : target.getIndexColumnNames()) {
                    String plain = SqlText.unquote(name);
                    renamed.add(newColumn(mapping.newColumn(plain).orElseThrow(
                            () -> new NotRewritableRuntime("conflict column '" + plain + "' is dropped"))));
                }
                shape.insert().setConflictTarget(new InsertConflictTarget(renamed, target.getIndexExpression(),
                        target.getWhereExpression(), target.getConstraintName()));
            }
            if (shape.insert().getConflictAction() != null
                    && shape.insert().getConflictAction().getWhereExpression() != null) {
                shape.insert().getConflictAction().getWhereExpression().accept(renamer, null);
            }
        }
    }

    /**
     * Renames the columns a {@code RETURNING} list names, each answered under the name the application wrote
     * ({@code RETURNING id, qty} becomes {@code RETURNING id, quantity AS qty}); {@code *} stays, its result set
     * answers in the old names. A dropped column cannot be returned.
     */
    private void returningToNew(net.sf.jsqlparser.statement.ReturningClause returning, ColumnRenamer renamer) {
        for (int i = 0; i < returning.size(); i++) {
            net.sf.jsqlparser.statement.select.SelectItem<?> item = returning.get(i);
            Expression expression = item.getExpression();
            if (expression instanceof net.sf.jsqlparser.statement.select.AllColumns) {
                // RETURNING o.* names the statement's own table (no other table can be returned from)
                // RETURNING * answers the new table's columns: each is returned under its old name, and an added
                // column the application does not know is left out, as SELECT * is answered
                List<net.sf.jsqlparser.statement.select.SelectItem<?>> expanded = new ArrayList<>();
                try {
                    for (String newColumn : newColumns.of(mapping.newTable())) {
                        var oldColumn = mapping.oldColumn(newColumn);
                        if (oldColumn.isPresent()) {
                            Column column = expression instanceof net.sf.jsqlparser.statement.select.AllTableColumns all
                                    ? new Column(SqlText.unquote(all.getTable().getName()).equalsIgnoreCase(
                                            mapping.oldTable()) ? new Table(newTable()) : all.getTable(),
                                            newColumn(newColumn)) : new Column(newColumn(newColumn));
                            expanded.add(net.sf.jsqlparser.statement.select.SelectItem.from(column,
                                    oldColumn.get().equalsIgnoreCase(newColumn) ? null
                                            : new net.sf.jsqlparser.expression.Alias(oldColumn.get(), true)));
                        }
                    }
                } catch (Exception e) {
                    throw new NotRewritableRuntime("the new table's columns cannot be read to answer RETURNING *: " + e);
                }
                returning.remove(i);
                returning.addAll(i, expanded);
                i += expanded.size() - 1;
                continue;
            }
            if (expression instanceof Column column && item.getAlias() == null) {
                String name = SqlText.unquote(column.getColumnName());
                if (mapping.newColumn(name).isPresent() && !mapping.newColumn(name).get().equalsIgnoreCase(name)) {
                    returning.set(i, net.sf.jsqlparser.statement.select.SelectItem.from(column,
                            new net.sf.jsqlparser.expression.Alias(column.getColumnName(), true)));
                }
            }
            expression.accept(renamer, null);
        }
    }

    private void renameSets(List<UpdateSet> sets, ColumnRenamer renamer) {
        for (int s = sets.size() - 1; s >= 0; s--) {
            UpdateSet set = sets.get(s);
            for (int c = set.getColumns().size() - 1; c >= 0; c--) {
                String name = SqlText.unquote(set.getColumns().get(c).getColumnName());
                var renamed = mapping.newColumn(name);
                if (renamed.isEmpty()) {
                    set.getColumns().remove(c);
                    if (set.getValues().size() > c) {
                        set.getValues().remove(c);
                    }
                    continue;
                }
                if (mapping.transforms(name) && set.getValues().size() > c
                        && !(set.getValues().get(c) instanceof JdbcParameter)
                        && isLiteral((Expression) set.getValues().get(c))) {
                    throw new NotRewritableRuntime("column '" + name + "' is transformed but its value is not a parameter");
                }
                set.getColumns().get(c).setColumnName(newColumn(renamed.get()));
                if (set.getColumns().get(c).getTable() != null) {
                    set.getColumns().get(c).setTable(null);
                }
            }
            if (set.getColumns().isEmpty()) {
                sets.remove(s);
            } else {
                set.getValues().forEach(value -> ((Expression) value).accept(renamer, null));
            }
        }
    }

    private ColumnRenamer renamer(Table table) {
        Set<String> qualifiers = new HashSet<>();
        qualifiers.add(SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT));
        qualifiers.add("excluded");
        if (table.getAlias() != null) {
            qualifiers.add(table.getAlias().getName().toLowerCase(Locale.ROOT));
        }
        return new ColumnRenamer(mapping, qualifiers, newColumns);
    }

    /** The new table's name in rewritten SQL ({@link StatementAnalyzer#newTableName}). */
    private String newTable() {
        return StatementAnalyzer.newTableName(newColumns, mapping);
    }

    /** A new table's column in rewritten SQL ({@link StatementAnalyzer#newColumnName}). */
    private String newColumn(String name) {
        return StatementAnalyzer.newColumnName(newColumns, mapping, name);
    }

    private static JdbcParameter marker(List<ParamSource> extras, ParamSource source) {
        extras.add(source);
        return new JdbcParameter().withIndex(SqlText.EXTRA_BASE + extras.size() - 1).withUseFixedIndex(true);
    }

    private static boolean isLiteral(Expression expression) {
        return expression instanceof net.sf.jsqlparser.expression.StringValue
                || expression instanceof net.sf.jsqlparser.expression.LongValue
                || expression instanceof net.sf.jsqlparser.expression.DoubleValue
                || expression instanceof net.sf.jsqlparser.expression.DateValue
                || expression instanceof net.sf.jsqlparser.expression.TimestampValue;
    }
}
