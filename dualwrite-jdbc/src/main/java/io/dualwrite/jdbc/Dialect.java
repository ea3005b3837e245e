package io.dualwrite.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL dialects dualwrite knows how to write upserts, claims and schema scripts for. */
public enum Dialect {
    /** H2. */
    H2,
    /** PostgreSQL. */
    POSTGRESQL,
    /** MySQL and MariaDB. */
    MYSQL;

    /**
     * A column name for SQL the library adds to the application's own statements (key selects): quoted where
     * quoting cannot change which column is meant (MySQL and MariaDB compare column names case-insensitively,
     * quoted or not), so that reserved words such as {@code key} work; as written elsewhere, where quoting
     * would make the name case-sensitive. The copier, which reads the spelling from the database, quotes on
     * every database.
     */
    public String column(String name) {
        return this == MYSQL ? '`' + name.replace("`", "``") + '`' : name;
    }

    /** The dialect of a connection's database. */
    public static Dialect detect(Connection connection) throws SQLException {
        return detect(connection.getMetaData());
    }

    /**
     * The dialect of a database, from its product name.
     *
     * @throws SQLException when the product is none of H2, PostgreSQL, MySQL or MariaDB
     */
    public static Dialect detect(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            return H2;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return MYSQL;
        }
        throw new SQLException("unsupported database product '" + metaData.getDatabaseProductName()
                + "'; supported are H2, PostgreSQL, MySQL and MariaDB");
    }
}
