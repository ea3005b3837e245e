package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL target whose key column has an accent-insensitive nondeterministic collation (as one declares to
 * keep MariaDB's uca1400_ai_ci semantics after a migration) holds 'e' and 'é' as one key, which an exact source
 * holds as two rows. Copying both would leave one row holding the other's values and report success; the sync
 * fails whole instead (the keys stay recorded), and the target's stale spelling of a row the source holds once is
 * replaced by the source's.
 */
class NondeterministicCollationTest {

    private static final TableMapping ITEMS = TableMapping.builder("items").primaryKey("code").build();

    @Test
    void twoSourceRowsOfOneTargetKeyFailTheSyncAndWriteNothing() throws Exception {
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO items VALUES ('e', 1), ('é', 2), ('k', 3)");
            fresh.execute("CREATE COLLATION ai_ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)",
                    "CREATE TABLE items (code VARCHAR(20) COLLATE ai_ci PRIMARY KEY, qty INT)");
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();

            assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(ITEMS,
                    List.of("e", "é", "k"), null)))).isInstanceOf(SQLException.class).hasMessageContaining("holds them apart");

            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, "SELECT code, qty FROM items ORDER BY qty")).isEmpty();
        }
    }

    @Test
    void aStaleSpellingInTheTargetIsReplacedByTheSourcesOnlySpelling() throws Exception {
        try (TestDatabase old = TestDatabases.create(TestDatabases.Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO items VALUES ('é', 2)");
            fresh.execute("CREATE COLLATION ai_ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)",
                    "CREATE TABLE items (code VARCHAR(20) COLLATE ai_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO items VALUES ('e', 1)");
            RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .build();

            copier.sync(Store.OLD, List.of(new RowCopier.TableKeys(ITEMS, List.of("é"), null)));

            assertThat(UpsertPacketAndDateTimeTest.texts(fresh, "SELECT code, qty FROM items ORDER BY qty"))
                    .isEqualTo(UpsertPacketAndDateTimeTest.texts(old, "SELECT code, qty FROM items ORDER BY qty"))
                    .containsExactly("é|2|");
        }
    }
}
