package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import org.h2.api.Trigger;
import org.junit.jupiter.api.Test;

/**
 * Triggers that give the row being written another key than the statement wrote: the statement says {@code 'abc'},
 * the old store holds {@code 'ABC'} or {@code 'abc-x'}. Each test ends comparing both stores row by row with plain
 * JDBC, after resolving what the write path recorded as a scoped resync (as the verification tools would);
 * triggers that leave the key alone must need no resync at all.
 */
class KeyTriggersTest {

    private static final String OLD_ROWS = "SELECT id, qty FROM orders";
    private static final String NEW_ROWS = "SELECT id, quantity AS qty FROM orders_v2";

    @Test
    void mariadbBeforeInsertTriggerThatExtendsTheKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb()) {
            fixture.onOld("CREATE TRIGGER suffix BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-x')");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsExactly(Map.entry("abc-x", "1"));
        }
    }

    @Test
    void mariadbBeforeInsertTriggerThatUpperCasesTheKeyIsSyncedUnderTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb()) {
            fixture.onOld("CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW SET NEW.`id` = UPPER(NEW.`id`)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('abc', 2)")).isEqualTo(1);
            assertThat(fixture.records()).as("the key read back is the stored one: no resync").isEmpty();
            assertThat(LooseKeyStores.sameRows(fixture)).containsExactly(Map.entry("ABC", "2"));
        }
    }

    @Test
    void postgresBeforeInsertTriggerThatUpperCasesTheKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres()) {
            fixture.onOld("CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.id := upper(NEW.id); RETURN NEW; END $$",
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "abc", 3)).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsExactly(Map.entry("ABC", "3"));
        }
    }

    @Test
    void postgresTriggerThatReturnsAnotherRowIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres()) {
            fixture.onOld("CREATE FUNCTION swap() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " DECLARE r orders; BEGIN r := NEW; r.id := 'k-' || NEW.qty; RETURN r; END $$",
                    "CREATE TRIGGER swap BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION swap()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('abc', 4)")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsExactly(Map.entry("k-4", "4"));
        }
    }

    @Test
    void postgresBeforeUpdateTriggerThatRenamesTheRowIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            // a body quoted the old way, not with dollars
            fixture.onOld("CREATE FUNCTION rename_row() RETURNS trigger LANGUAGE plpgsql AS"
                            + " 'BEGIN NEW.id := NEW.id || ''-u''; RETURN NEW; END'",
                    "CREATE TRIGGER rename_row BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION rename_row()");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 9 WHERE id = ?", "a")).isEqualTo(1);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS)).containsExactly(Map.entry("a-u", "9"));
        }
    }

    @Test
    void postgresBeforeUpdateTriggerThatMovesRowsSelectedFirstIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a", "b", "c")) {
            fixture.onOld("CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN IF NEW.qty > 5 THEN NEW.id := NEW.id || '!'; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER bump BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION bump()");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = qty + 5 WHERE qty >= 2")).isEqualTo(2);
            assertThat(LooseKeyStores.converged(fixture, OLD_ROWS, NEW_ROWS))
                    .containsOnly(Map.entry("a", "1"), Map.entry("b!", "7"), Map.entry("c!", "8"));
        }
    }

    @Test
    void triggersThatLeaveTheKeyAloneNeedNoResync() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("a")) {
            fixture.onNew("ALTER TABLE orders_v2 ADD COLUMN touched INT DEFAULT 0");
            fixture.onOld("ALTER TABLE orders ADD COLUMN touched INT DEFAULT 0",
                    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN NEW.touched := coalesce(OLD.touched, 0) + 1; RETURN NEW; END $$",
                    "CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()",
                    // reads the key, never changes it
                    "CREATE FUNCTION keep_key() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN IF NEW.id IS DISTINCT FROM OLD.id THEN RAISE EXCEPTION 'key change'; END IF;"
                            + " RETURN NEW; END $$",
                    "CREATE TRIGGER keep_key BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION keep_key()");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)", "b", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnly(Map.entry("a", "5"), Map.entry("b", "2"));
        }
    }

    @Test
    void h2JavaTriggerThatUpperCasesTheKeyIsNotLeftBehind() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW CALL \"" + UpperCaseKey.class.getName() + "\"");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (var insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    insert.setString(1, "abc");
                    insert.setInt(2, 6);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                connection.commit();
            }
            assertThat(LooseKeyStores.converged(fixture, "SELECT id, qty FROM orders",
                    "SELECT id, quantity AS qty FROM orders_v2")).containsExactly(Map.entry("ABC", "6"));
        }
    }

    /** An H2 trigger that upper-cases the key of the row being inserted. */
    public static final class UpperCaseKey implements Trigger {
        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) {
            newRow[0] = String.valueOf(newRow[0]).toUpperCase(Locale.ROOT);
        }
    }
}
