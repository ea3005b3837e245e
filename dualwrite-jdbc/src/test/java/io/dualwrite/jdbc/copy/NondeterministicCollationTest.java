package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL target whose key column has an accent-insensitive nondeterministic collation (as one
 * declares to keep MariaDB's uca1400_ai_ci semantics after a migration) holds 'e' and 'é' as one key. A sync of
 * both source rows put them in one multi-row INSERT … ON CONFLICT DO UPDATE, which PostgreSQL refuses ("cannot
 * affect row a second time"); a batch of single-row upserts (before the change) applied both in turn.
 */
class NondeterministicCollationTest {

    @Test
    void twoSourceRowsOfOneTargetKeyInOneSyncDoNotFailTheSync() throws Exception {
        TableMapping items = TableMapping.builder("items").primaryKey("code").build();
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO items VALUES ('e', 1), ('é', 2), ('k', 3)");
            fresh.execute("CREATE COLLATION ai_ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)",
                    "CREATE TABLE items (code VARCHAR(20) COLLATE ai_ci PRIMARY KEY, qty INT)");
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();

            copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(items, List.of("e", "é", "k"), null)));

            // as a batch of single-row upserts in key order left it: 'e' holding the last row's values
            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, "SELECT code, qty FROM items ORDER BY qty"))
                    .containsExactly("e|2|", "k|3|");
            assertThat(UpsertPacketAndDateTimeTest.texts(old, "SELECT code, qty FROM items WHERE code IN ('é', 'k') ORDER BY qty"))
                    .containsExactly("é|2|", "k|3|");
        }
    }
}
