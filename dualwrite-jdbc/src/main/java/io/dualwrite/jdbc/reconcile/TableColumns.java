package io.dualwrite.jdbc.reconcile;

import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The columns of one table as its database reports them: names and SQL types, looked up case-insensitively. */
final class TableColumns {

    /** One column: its name as the database spells it, its {@link java.sql.Types} code and type name. */
    record Column(String name, int sqlType, String typeName) {
        boolean typeNamed(String name) {
            return typeName.equalsIgnoreCase(name);
        }
    }

    private final String table;
    private final Map<String, Column> byLowerName;

    private TableColumns(String table, Map<String, Column> byLowerName) {
        this.table = table;
        this.byLowerName = byLowerName;
    }

    /** Reads the columns of a table with an empty query, so that the database's own name folding applies. */
    static TableColumns read(Connection connection, String table) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet empty = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = empty.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String name = meta.getColumnName(i);
                columns.put(name.toLowerCase(Locale.ROOT), new Column(name, meta.getColumnType(i), meta.getColumnTypeName(i)));
            }
        }
        return new TableColumns(table, columns);
    }

    Optional<Column> find(String column) {
        return Optional.ofNullable(byLowerName.get(column.toLowerCase(Locale.ROOT)));
    }

    Column get(String column) throws SQLException {
        Column found = byLowerName.get(column.toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new SQLException("table " + table + " has no column '" + column + "'; it has " + names());
        }
        return found;
    }

    List<Column> all() {
        return new ArrayList<>(byLowerName.values());
    }

    private List<String> names() {
        return all().stream().map(Column::name).toList();
    }
}
