package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** The common end of a statement test: the new store equals the old one, or a scoped resync was recorded. */
final class Mirrored {

    private Mirrored() {
    }

    static final String PG = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    static final String MARIA = PG;
    static final String NEW = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)";

    static Fixture seed(Fixture fixture, String oldDdl) {
        fixture.onOld(oldDdl, "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)",
                "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)", "INSERT INTO orders (id, code, qty) VALUES (3, 'c', 3)");
        fixture.onNew(NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
                "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)");
        return fixture;
    }

    /**
     * Asserts the new store equals the old one row by row; when it does not, a scoped resync must have been
     * recorded (never silence), and resolving it must make them equal.
     */
    static List<Map<String, String>> exactOrResynced(Fixture fixture, String label) throws SQLException {
        var oldRows = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
        var newRows = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
        if (!newRows.equals(oldRows)) {
            assertThat(fixture.records())
                    .as("%s: new %s differs from old %s, so a key or a scoped resync must be recorded",
                            label, newRows, oldRows)
                    .isNotEmpty();
            if (!fixture.scopedResyncs().isEmpty()) {
                fixture.resolveScopedResyncs(Fixture.ORDERS);
            }
            if (!fixture.records().isEmpty()) {
                fixture.reconciler().runOnce();
            }
        }
        return Rows.assertOrdersSame(fixture, "id, code, qty");
    }
}
