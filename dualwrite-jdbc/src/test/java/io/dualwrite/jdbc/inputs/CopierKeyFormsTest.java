package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The copier given keys in the forms they arrive in (text the application bound, text read back from a
 * change log): integers spelt otherwise, decimals, UUIDs, composite keys around the read sizes, MariaDB's
 * collations. Each ends comparing both stores row by row.
 */
class CopierKeyFormsTest {

    private static final TableMapping ITEMS = TableMapping.builder("items").newTable("items_v2").rename("note", "label").build();

    private static void sync(TestDatabase old, TestDatabase fresh, TableMapping mapping, List<String> keys) throws Exception {
        RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build()
                .sync(Store.OLD, List.of(new RowCopier.TableKeys(mapping, keys, null)));
    }

    private static void assertItemsSame(TestDatabase old, TestDatabase fresh, String keyColumns) {
        Rows.assertSame(old, "SELECT " + keyColumns + ", note FROM items ORDER BY " + keyColumns,
                fresh, "SELECT " + keyColumns + ", label AS note FROM items_v2 ORDER BY " + keyColumns);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void integerKeysSpeltOtherwiseCopyTheirRows(Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES (0, 'zero'), (5, 'five'), (7, 'seven'), (1000, 'k'), "
                            + "(9223372036854775807, 'max'), (-9223372036854775808, 'min')");
            fresh.execute("CREATE TABLE items_v2 (id BIGINT PRIMARY KEY, label VARCHAR(20))");

            sync(old, fresh, ITEMS, List.of("007", "-0", "1e3", "  5", "5.0", "9223372036854775807",
                    "-9223372036854775808"));

            assertItemsSame(old, fresh, "id");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void decimalAndUuidKeysCopyTheirRows(Kind kind) throws Exception {
        String uuid = "UUID";
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE items (id DECIMAL(10, 2) PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES (5, 'five'), (5.5, 'half')",
                    "CREATE TABLE tokens (id " + uuid + " PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO tokens VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'u')");
            fresh.execute("CREATE TABLE items_v2 (id DECIMAL(10, 2) PRIMARY KEY, label VARCHAR(20))",
                    "CREATE TABLE tokens_v2 (id " + uuid + " PRIMARY KEY, label VARCHAR(20))");

            sync(old, fresh, ITEMS, List.of("5.00", "5.50", "5.5"));
            sync(old, fresh, TableMapping.builder("tokens").newTable("tokens_v2").rename("note", "label").build(),
                    List.of("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"));

            assertItemsSame(old, fresh, "id");
            Rows.assertSame(old, "SELECT id, note FROM tokens", fresh, "SELECT id, label AS note FROM tokens_v2");
            assertThat(Rows.of(fresh, "SELECT id FROM tokens_v2")).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void compositeKeysAroundEveryReadSizeCopyExactlyTheirRows(Kind kind) throws Exception {
        TableMapping mapping = TableMapping.builder("items").newTable("items_v2").rename("note", "label")
                .primaryKey("shop", "code").build();
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE items (shop BIGINT, code VARCHAR(20), note VARCHAR(20), PRIMARY KEY (shop, code))");
            fresh.execute("CREATE TABLE items_v2 (shop BIGINT, code VARCHAR(20), label VARCHAR(20), PRIMARY KEY (shop, code))");
            List<String> inserts = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                inserts.add("(" + (i % 3) + ", 'c|" + i + "', 'n" + i + "')");
            }
            old.execute("INSERT INTO items VALUES " + String.join(", ", inserts));
            int next = 0;
            for (int count : new int[] {1, 3, 4, 5, 16, 17, 63, 64, 65, 70}) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < count; i++, next++) {
                    keys.add((next % 3) + "|c\\|" + next);
                }
                sync(old, fresh, mapping, keys);
            }
            Rows.assertSame(old, "SELECT shop, code, note FROM items WHERE note IN (" + notes(next) + ") ORDER BY shop, code",
                    fresh, "SELECT shop, code, label AS note FROM items_v2 ORDER BY shop, code");
            assertThat(Rows.of(fresh, "SELECT code FROM items_v2")).hasSize(next);
        }
    }

    private static String notes(int count) {
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            notes.add("'n" + i + "'");
        }
        return String.join(", ", notes);
    }

    @Test
    void mariaDbKeysThatItsCollationMatchesToAnotherRowNeverDeleteThatRow() throws Exception {
        TableMapping mapping = TableMapping.builder("items").newTable("items_v2").rename("note", "label")
                .primaryKey("code").build();
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES ('e', 'plain'), ('abc', 'lower'), ('k1 ', 'spaced')");
            fresh.execute("CREATE TABLE items_v2 (code VARCHAR(20) PRIMARY KEY, label VARCHAR(20))");
            sync(old, fresh, mapping, List.of("e", "abc", "k1 "));
            assertThat(Rows.of(fresh, "SELECT code FROM items_v2")).hasSize(3);

            // keys spelt as the application wrote them (its collation matched them to these rows)
            for (String key : List.of("é", "E", "ABC", "abc  ", "K1", "k1")) {
                sync(old, fresh, mapping, List.of(key));
            }

            Rows.assertSame(old, "SELECT code, note FROM items ORDER BY code",
                    fresh, "SELECT code, label AS note FROM items_v2 ORDER BY code");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void onACaseSensitiveSourceAKeyDeletedThereIsDeletedBesideARowSpeltOtherwise(Kind kind) throws Exception {
        TableMapping mapping = TableMapping.builder("items").newTable("items_v2").rename("note", "label")
                .primaryKey("code").build();
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES ('abc', 'lower'), ('k1', 'plain')");
            fresh.execute("CREATE TABLE items_v2 (code VARCHAR(20) PRIMARY KEY, label VARCHAR(20))",
                    "INSERT INTO items_v2 VALUES ('ABC', 'upper'), ('abc', 'lower'), ('k1 ', 'spaced'), ('k1', 'plain')");

            // 'ABC' and 'k1 ' were deleted from the source in the transaction that also wrote 'abc' and 'k1'
            sync(old, fresh, mapping, List.of("ABC", "abc", "k1 ", "k1"));

            Rows.assertSame(old, "SELECT code, note FROM items ORDER BY code",
                    fresh, "SELECT code, label AS note FROM items_v2 ORDER BY code");
        }
    }

    @Test
    void mariaDbUnsignedBigintKeysUpToTheirMaximumCopyTheirRows() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE items (id BIGINT UNSIGNED PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES (18446744073709551615, 'max'), (9223372036854775808, 'over'), (0, 'zero')");
            fresh.execute("CREATE TABLE items_v2 (id BIGINT UNSIGNED PRIMARY KEY, label VARCHAR(20))");

            sync(old, fresh, ITEMS, List.of("18446744073709551615", "9223372036854775808", "0", "18446744073709551616"));

            assertItemsSame(old, fresh, "id");
            assertThat(Rows.of(fresh, "SELECT id FROM items_v2")).hasSize(3);
        }
    }
}
