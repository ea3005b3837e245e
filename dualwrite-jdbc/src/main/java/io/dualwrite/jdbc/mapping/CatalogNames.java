package io.dualwrite.jdbc.mapping;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a store's catalog spells a table a mapping names, and its columns: what SQL the library writes must name, quoted,
 * so that a reserved word ({@code order}, {@code user}) or a name created in mixed case ({@code "Order"}) is reached.
 * Internal: used by the write path, the rewrite of statements for the new store and the key-generator tools.
 */
public final class CatalogNames {

    private CatalogNames() {
    }

    /**
     * A table as the catalog spells it (unquoted), with its columns by lower-case name, each as spelled; of two
     * columns differing only in case, the one an unquoted name reaches (PostgreSQL folds to lower case, H2 to upper).
     *
     * @param quote the store's identifier quote ({@code "} or a backtick)
     */
    public record Spelling(String table, Map<String, String> columns, String quote) {
        /** Copies {@code columns}, so that the spelling is immutable. */
        public Spelling {
            columns = Map.copyOf(columns);
        }

        /** The table, quoted for its store. */
        public String quotedTable() {
            return quoted(quote, table);
        }

        /** The column {@code name} (any case) as spelled, unquoted; {@code null} when the table has none of the name. */
        public @Nullable String column(String name) {
            return columns.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Finds {@code table} (a plain name as a mapping configures it, without schema) in the schema of {@code connection}
     * as the copier finds a table: by its name as the database folds unquoted names, then as written (MySQL and
     * MariaDB compare table names by their own rule, so any table the catalog answers is taken).
     *
     * @return the spelling, or {@code null} when no table of either spelling has columns there
     * @throws SQLException when the catalog cannot be read
     */
    public static @Nullable Spelling find(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        String quote = meta.getIdentifierQuoteString().strip();
        boolean mysql = quote.equals("`");
        boolean upper = !mysql && meta.storesUpperCaseIdentifiers();
        String folded = mysql ? table : upper ? table.toUpperCase(Locale.ROOT) : table.toLowerCase(Locale.ROOT);
        for (String candidate : new LinkedHashSet<>(List.of(folded, table))) {
            String spelledTable = null;
            Map<String, String> columns = new HashMap<>();
            try (ResultSet rows = meta.getColumns(connection.getCatalog(), namePattern(meta, schemaOf(connection, candidate)),
                    namePattern(meta, candidate), null)) {
                while (rows.next()) {
                    String tableName = rows.getString("TABLE_NAME");
                    if (!mysql && !candidate.equals(tableName)) {
                        continue; // the pattern matched a table of another case
                    }
                    spelledTable = tableName;
                    String column = rows.getString("COLUMN_NAME");
                    String lower = column.toLowerCase(Locale.ROOT);
                    if (!columns.containsKey(lower) || column.equals(upper ? column.toUpperCase(Locale.ROOT) : lower)) {
                        columns.put(lower, column);
                    }
                }
            }
            if (spelledTable != null) {
                return new Spelling(spelledTable, columns, quote);
            }
        }
        return null;
    }

    /** {@code name} between {@code quote}s, a quote in it doubled. */
    public static String quoted(String quote, String name) {
        return quote + name.replace(quote, quote + quote) + quote;
    }

    /**
     * A name as a catalog pattern that matches only itself: {@code _} and {@code %} are wildcards there, so table
     * {@code t_1} also read the columns of a table {@code tx1}.
     */
    public static @Nullable String namePattern(DatabaseMetaData metaData, @Nullable String name) throws SQLException {
        String escape = metaData.getSearchStringEscape();
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /**
     * The schema in which {@code connection}'s session finds {@code table} (as the catalog spells it): on PostgreSQL
     * the schema of the first relation of that name on the session's {@code search_path} ({@code to_regclass}), which
     * need not be its first schema ({@code SET search_path TO side, public} finds {@code orders} in {@code public}
     * while {@code getSchema()} says {@code side}); elsewhere, or when no such relation is visible, the session's
     * schema ({@link Connection#getSchema()}).
     *
     * @throws SQLException when the catalog cannot be read
     */
    public static @Nullable String schemaOf(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        if (meta.getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
            try (PreparedStatement select = connection.prepareStatement("SELECT n.nspname FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
                select.setString(1, quoted("\"", table));
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        return rows.getString(1);
                    }
                }
            }
        }
        return connection.getSchema();
    }
}
