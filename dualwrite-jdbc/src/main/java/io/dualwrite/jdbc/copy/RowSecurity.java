package io.dualwrite.jdbc.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Refuses to read or write a PostgreSQL table through a session that the table's row security applies to. A policy
 * shows such a session some rows only (by tenant, by a value, by a setting of the session's), and every tool of the
 * library reads a table to learn which rows it holds: the copier took a row the policy hid for a deleted one (and
 * deleted it from the other store), and verification called two stores equal where the hidden rows differ, or
 * repaired the new store down to what the policy showed. What the policy hides cannot be known from outside it, so
 * the library does not guess: where {@code row_security_active} (PostgreSQL 9.5 on) answers true for the table under
 * the session's {@code current_user} (row security enabled on the table, the user neither a superuser nor holding
 * {@code BYPASSRLS}, and not the table's owner unless the table forces row security), the read fails naming the
 * table, the role and the fix, and each sync of it fails and is recorded, never taken as done. Used where the copier,
 * the backfill's key walk and verification first read a table's columns: one query per table and catalog read, on
 * PostgreSQL only.
 */
public final class RowSecurity {

    private RowSecurity() {
    }

    /**
     * Fails when row security applies to {@code connection}'s current user on the PostgreSQL table {@code quoted} (a
     * name as the session resolves it, quoted, optionally qualified); does nothing when it does not, or when the
     * name resolves to no table.
     *
     * @param table what the message calls the table (its configured name)
     * @throws SQLException naming the table, the role and the fix, when row security applies; or when the
     *                      question cannot be asked (a broken session)
     */
    public static void refuseFiltered(Connection connection, String quoted, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT row_security_active(to_regclass(?)), current_user")) {
            statement.setString(1, quoted);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next() && rows.getBoolean(1)) {
                    String role = rows.getString(2);
                    throw new SQLException("row security applies to the role " + role + " on the table " + table
                            + " (" + quoted + "): its policies may hide rows from dualwrite's reads, which would take"
                            + " a hidden row for a deleted one, so dualwrite does not read or write that table through"
                            + " this role (a sync fails and its keys stay recorded; verification and backfill stop);"
                            + " let the sessions of this data source see every row: ALTER ROLE " + role
                            + " BYPASSRLS, or log in as the table's owner (without FORCE ROW LEVEL SECURITY), and take"
                            + " a tenant's role with SET ROLE in the application's own sessions", "42501");
                }
            }
        }
    }
}
