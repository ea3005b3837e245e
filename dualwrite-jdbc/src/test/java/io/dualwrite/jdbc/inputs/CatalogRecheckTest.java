package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A catalog read that writes relied on while it was trusted is read again when its trust ends, whether or not the
 * table is ever written again: a change made meanwhile (a trigger that stores another key than the write named, a
 * foreign key that cascades into a mapped table) records a scoped resync of the table from that read alone.
 * Before, only the next write of the table read the catalog again, and a table not written again kept the
 * difference with nothing recorded.
 *
 * <p>Every test writes nothing after the change's write: the resync must come from the recheck. It ends with the
 * library's own verification and repair resolving the resync, then compares both stores row by row.
 */
class CatalogRecheckTest {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM orders_v2";

    private static Fixture refreshing(Kind oldKind) {
        return Fixture.builder(oldKind, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(LooseKeyStores.SHORT_REFRESH)).build();
    }

    /** Waits, writing nothing, until the recheck records the table's resync. */
    private static void awaitRecheckResync(Fixture fixture) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> fixture.scopedResyncs().stream().anyMatch(r -> r.reason().equals("catalog-changed")));
    }

    // Failed before its fix: the insert of 'b' is stored as 'b-x' by a trigger created after the catalog was read;
    // the sync finds the older row 'b' and cannot tell; nothing writes orders again, so no write read the catalog
    // again: old held b-x, new did not, nothing recorded
    @Test
    void postgresTriggerCreatedWhileTrustedIsFoundWhenTheTableIsNeverWrittenAgain() throws Exception {
        try (Fixture fixture = refreshing(Kind.POSTGRES)) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            LooseKeyStores.insert(fixture, "a", "b");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION suffix() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-x'; RETURN NEW; END $$",
                    "CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION suffix()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);

            awaitRecheckResync(fixture);

            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"), Map.entry("b-x", "6"));
        }
    }

    // Failed before its fix: the trigger is created, stores 'b' as 'b-x', and is dropped again, all while the catalog
    // read of the table is trusted; the next read finds no trigger. PostgreSQL keeps the trace (relhastriggers stays
    // set when a trigger is dropped), which the read compares
    @Test
    void postgresTriggerCreatedAndDroppedWhileTrustedIsFound() throws Exception {
        try (Fixture fixture = refreshing(Kind.POSTGRES)) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            LooseKeyStores.insert(fixture, "a", "b");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION suffix() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := NEW.id || '-x'; RETURN NEW; END $$",
                    "CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION suffix()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);
            fixture.onOld("DROP TRIGGER suffix ON orders", "DROP FUNCTION suffix()");

            awaitRecheckResync(fixture);

            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"), Map.entry("b-x", "6"));
        }
    }

    // Failed before its fix: the same on MariaDB, whose trigger sets the key in a SET statement
    @Test
    void mariaDbTriggerCreatedWhileTrustedIsFoundWhenTheTableIsNeverWrittenAgain() throws Exception {
        try (Fixture fixture = refreshing(Kind.MARIADB)) {
            LooseKeyStores.seed(fixture, "a", "b");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 6)).isEqualTo(1);

            awaitRecheckResync(fixture);

            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "5"), Map.entry("b", "2"), Map.entry("b-x", "6"));
        }
    }

    // Failed before its fix: a trigger created after the catalog was read that writes ANOTHER row of the table
    // (a running total kept in row 'sum'); the write's own row is copied, the other row is not, and the table is
    // not written again
    @Test
    void postgresTriggerWritingAnotherRowCreatedWhileTrustedIsFound() throws Exception {
        try (Fixture fixture = refreshing(Kind.POSTGRES)) {
            fixture.onOld(LooseKeyStores.POSTGRES_OLD_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            LooseKeyStores.insert(fixture, "sum", "a");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            fixture.onOld("CREATE FUNCTION total() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN UPDATE orders SET qty = qty + NEW.qty WHERE id = 'sum'; RETURN NULL; END $$",
                    "CREATE TRIGGER total AFTER INSERT ON orders FOR EACH ROW WHEN (NEW.id <> 'sum')"
                            + " EXECUTE FUNCTION total()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "c", 7)).isEqualTo(1);

            awaitRecheckResync(fixture);

            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("sum", "8"), Map.entry("a", "5"), Map.entry("c", "7"));
        }
    }

    // Failed before its fix: a foreign key with ON DELETE CASCADE from the mapped orders onto the unmapped customers
    // is added after a delete of a customer read that nothing cascades from customers; the next delete of a customer
    // (within the minute the read is trusted) removes its orders on the old store only, and orders is never written
    @Test
    void cascadeAddedWhileTrustedIsFoundWhenTheMappedTableIsNeverWritten() throws Exception {
        try (Fixture fixture = refreshing(Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE customers (id INT PRIMARY KEY)", "INSERT INTO customers VALUES (1), (2), (3)",
                    "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT, customer_id INT)",
                    "INSERT INTO orders VALUES ('a', 1, 1), ('b', 2, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT, customer_id INT)",
                    "INSERT INTO orders_v2 VALUES ('a', 1, 1), ('b', 2, 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM customers WHERE id = ?", 3)).isEqualTo(1);
            fixture.onOld("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM customers WHERE id = ?", 2)).isEqualTo(1);

            awaitRecheckResync(fixture);

            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsOnly(Map.entry("a", "1"));
        }
    }
}
