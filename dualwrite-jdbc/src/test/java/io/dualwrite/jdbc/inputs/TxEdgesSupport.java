package io.dualwrite.jdbc.inputs;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * What the transaction-edge break reviews share: the writes their transactions make on the seeded orders
 * ({@link Mirrored#seed}), and the tests' own reading of the two stores as {@code id=qty} texts.
 */
final class TxEdgesSupport {

    private TxEdgesSupport() {
    }

    /** Row 1 updated to 10 and row 5 inserted. */
    static void writes(Statement statement) throws SQLException {
        statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
        statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)");
    }

    /** The old store's orders as {@code id=qty}, by id. */
    static String oldRows(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + "=" + r.get("qty")).collect(Collectors.joining(" "));
    }

    /** The new store's orders as {@code id=qty}, by id. */
    static String newRows(Fixture fixture) {
        return Rows.of(fixture.newDb, "SELECT id, quantity FROM orders_v2 ORDER BY id").stream()
                .map(r -> r.get("id") + "=" + r.get("quantity")).collect(Collectors.joining(" "));
    }

    /** The rows of both stores, compared row by row, as {@code id=qty}. */
    static String sameRows(Fixture fixture) {
        return Rows.assertOrdersSame(fixture, "id, code, qty").stream().map(r -> r.get("id") + "=" + r.get("qty"))
                .collect(Collectors.joining(" "));
    }
}
