package io.dualwrite.jdbc.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round 21, switches and ids in the library's own tables: a change-log entry whose key, order id or merchant id holds
 * a character the table cannot store as it is. PostgreSQL refuses NUL in text, so the insert failed and the entry (the
 * only trace of a write the new store missed) was lost; MariaDB keeps an unpaired surrogate as another text, so the
 * entry named another key. The kind is the one of ids too long for their column (kept as a whole-table resync):
 * each such entry is now kept the same way, on every database.
 */
class ChangeLogIdsBreak21Test {

    private static List<String> entries(TestDatabase db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT row_key, operation, order_id, merchant_id, reason"
                     + " FROM dualwrite_change_log ORDER BY reason, row_key")) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3) + "|"
                        + result.getString(4) + "|" + result.getString(5));
            }
        }
        return rows;
    }

    // Input (PostgreSQL, MariaDB, H2): entries for key "k" + NUL, order id "o" + NUL, merchant id "m" + NUL and key
    // "k" + U+D800 (a text key an old MariaDB or H2 table can hold), and one ordinary entry.
    // Before the fix: on PostgreSQL record() threw "invalid byte sequence for encoding UTF8: 0x00" for the NUL ones
    // and nothing was kept; MariaDB keeps the key "k" + U+D800 as another text (see SwitchIdsBreak21Test).
    // Expected: every entry kept; those that cannot be stored exactly as whole-table resyncs naming the field.
    @Test
    void entriesWithIdsTheTableCannotHoldExactlyAreKeptAsWholeTableResyncs() throws Exception {
        for (TestDatabases.Kind kind : List.of(TestDatabases.Kind.POSTGRES, TestDatabases.Kind.MARIADB,
                TestDatabases.Kind.H2)) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
                JdbcChangeLog changeLog = JdbcChangeLog.create(db.dataSource());
                Instant now = Instant.now();
                changeLog.record(new ChangeRecord("orders", "orders", "k\u0000", Operation.UPSERT, "a-key", Store.NEW,
                        "o-1", "m-1", now));
                changeLog.record(new ChangeRecord("orders", "orders", "7", Operation.UPSERT, "b-order", Store.NEW,
                        "o\u0000", "m-1", now));
                changeLog.record(new ChangeRecord("orders", "orders", "8", Operation.DELETE, "c-merchant", Store.NEW,
                        "o-2", "m\u0000", now));
                changeLog.record(new ChangeRecord("orders", "orders", "k\uD800", Operation.UPSERT, "d-surrogate",
                        Store.NEW, null, null, now));
                changeLog.record(new ChangeRecord("orders", "orders", "9", Operation.UPSERT, "e-plain", Store.NEW,
                        "o-3", "m-1", now));

                assertThat(entries(db)).as(kind.name()).containsExactly(
                        "*|RESYNC|null|null|a-key; key holds U+0000 at index 1, which dualwrite_change_log.row_key cannot"
                                + " hold exactly: whole table resynced",
                        "*|RESYNC|null|null|b-order; orderId holds U+0000 at index 1, which dualwrite_change_log.order_id"
                                + " cannot hold exactly: whole table resynced",
                        "*|RESYNC|null|null|c-merchant; merchantId holds U+0000 at index 1, which"
                                + " dualwrite_change_log.merchant_id cannot hold exactly: whole table resynced",
                        "*|RESYNC|null|null|d-surrogate; key holds U+D800 at index 1, which dualwrite_change_log.row_key"
                                + " cannot hold exactly: whole table resynced",
                        "9|UPSERT|o-3|m-1|e-plain");
            }
        }
    }
}
