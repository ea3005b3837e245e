package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The copier's spelling checks (a read of the copied keys back, with one numbered {@code UNION ALL} branch per key)
 * run only where the target's key may match another spelling: not on PostgreSQL {@code text}/{@code varchar}
 * under a deterministic collation, nor on H2 {@code VARCHAR}, where they cost a round trip per sync for nothing
 * (and kept PostgreSQL's {@code COMMIT} from riding with the upsert). Each test counts what the copier prepared
 * on the new store, and ends comparing both stores row by row with plain SQL.
 */
class ExactTextKeysSkipSpellingChecksTest {

    private static List<String> table(TestDatabase db, String sql) {
        List<String> rows = new ArrayList<>();
        for (var row : db.query(sql)) {
            rows.add(row.values().stream().map(Rows::text).reduce((a, b) -> a + "|" + b).orElse(""));
        }
        return rows;
    }

    private static List<String> spellingReads(Kind kind, String newKeyType) throws SQLException {
        String second = newKeyType.startsWith("char") ? "A" : "A "; // a char(n) pads its keys: compared trimmed
        List<String> prepared = new CopyOnWriteArrayList<>();
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void beforePrepare(String sql) {
                prepared.add(sql);
            }
        };
        try (Fixture fixture = Fixture.builder(kind, kind).wrapNew(real -> Intercepting.dataSource(real, hooks)).build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id " + newKeyType + " NOT NULL PRIMARY KEY, quantity INT)");
            fixture.onNew("INSERT INTO orders_v2 VALUES ('gone', 9)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES (?, 1), (?, 2)", "a", second)).isEqualTo(2);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = ?", "a")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "gone")).isZero();
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders VALUES ('gone', 3)")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'gone'")).isEqualTo(1);
            String read = "SELECT " + (second.equals("A") ? "RTRIM(id)" : "id") + ", %s FROM %s ORDER BY 1";
            List<String> old = table(fixture.oldDb, String.format(read, "qty", "orders"));
            assertThat(old).containsExactlyInAnyOrder("a|5", second + "|2");
            assertThat(table(fixture.newDb, String.format(read, "quantity", "orders_v2"))).isEqualTo(old);
            assertThat(fixture.records()).isEmpty();
        }
        return prepared.stream().filter(sql -> sql.contains(" UNION ALL ") || sql.startsWith("SELECT 0, ")).toList();
    }

    @Test
    void postgresVarcharKeysAreSyncedWithoutSpellingReads() throws SQLException {
        assertThat(spellingReads(Kind.POSTGRES, "varchar(20)")).isEmpty();
        assertThat(spellingReads(Kind.POSTGRES, "text COLLATE \"C\"")).isEmpty();
    }

    @Test
    void h2VarcharKeysAreSyncedWithoutSpellingReads() throws SQLException {
        assertThat(spellingReads(Kind.H2, "VARCHAR(20)")).isEmpty();
    }

    @Test
    void postgresCharKeysStillGetTheirSpellingReads() throws SQLException {
        assertThat(spellingReads(Kind.POSTGRES, "char(20)")).isNotEmpty();
    }
}
