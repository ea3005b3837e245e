package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Twenty-third break review of the migration tools. Between two PostgreSQL stores a row is hashed by its values
 * ({@code hash_record_extended}); these tests plant differences that the types' own hashes or the way the record's
 * hash adds its columns' hashes cannot see, whatever the run's seed: a {@code bigint} (and the date-times and times
 * hashed as one) whose two 32-bit halves XOR alike, a {@code numeric} of the other sign or another special value, and
 * the values of one column swapped between two rows of one range. Each test ends comparing the rows with plain JDBC.
 */
class ToolsBreak23Test {

    /** Microseconds since PostgreSQL's epoch, with both 32-bit halves' lowest bit flipped: the same int8 hash. */
    private static long sameInt8Hash(long micros) {
        return micros ^ (1L << 32) ^ 1L;
    }

    private static final LocalDateTime PG_EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);

    private static String timestampOf(long micros) {
        return PG_EPOCH.plus(micros, ChronoUnit.MICROS).toString().replace('T', ' ');
    }

    // Input: PostgreSQL 18 to PostgreSQL 18, one table whose types all hash by value. The new store holds, in one
    //   row each: a bigint 4294967296 for 1 and 4294967295 for -1 (int8's hash XORs its halves), a timestamp and a
    //   timestamptz 71 minutes 35 seconds off (hashed as their int8 microseconds), a time 11:11:34.967297 for 10:00,
    //   a numeric -5.00 for 5.00 (numeric's hash leaves the sign out), Infinity for NaN and -Infinity for Infinity
    //   (every special value hashes to the seed), and a bigint KEY 4294967296 where the old store's is 1. Before the
    //   fix each run reported CLEAN.
    @Test
    void valuesWhoseTypesOwnHashesCollideAreFoundBetweenTwoPostgresStores() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            long created = ChronoUnit.MICROS.between(PG_EPOCH, LocalDateTime.of(2024, 3, 1, 12, 0));
            long atTime = 10L * 3600 * 1_000_000;
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, big bigint, created timestamp(6),"
                                + " zoned timestamptz, at_time time(6), amount numeric(12,2), total numeric)",
                        "INSERT INTO ledger SELECT i, 1, timestamp '" + timestampOf(created) + "', timestamptz '"
                                + timestampOf(created) + "+00', time '10:00:00', 5.00, 1 FROM generate_series(1, 40) i",
                        "UPDATE ledger SET big = -1 WHERE id = 3",
                        "UPDATE ledger SET total = 'NaN' WHERE id = 9",
                        "UPDATE ledger SET total = 'Infinity' WHERE id = 10");
            }
            fresh.execute("UPDATE ledger SET big = 4294967296 WHERE id = 2",
                    "UPDATE ledger SET big = 4294967295 WHERE id = 3",
                    "UPDATE ledger SET created = timestamp '" + timestampOf(sameInt8Hash(created)) + "' WHERE id = 4",
                    "UPDATE ledger SET zoned = timestamptz '" + timestampOf(sameInt8Hash(created)) + "+00' WHERE id = 5",
                    "UPDATE ledger SET at_time = time '" + java.time.LocalTime.ofNanoOfDay(sameInt8Hash(atTime) * 1000)
                            + "' WHERE id = 6",
                    "UPDATE ledger SET amount = -5.00 WHERE id = 7",
                    "UPDATE ledger SET total = 'Infinity' WHERE id = 9",
                    "UPDATE ledger SET total = '-Infinity' WHERE id = 10",
                    // the key 1's twin under int8's hash: halves 0 and 1 against 1 and 0
                    "UPDATE ledger SET id = 4294967296 WHERE id = 1");
            Map<String, List<String>> planted = Map.of("2", List.of("big"), "3", List.of("big"),
                    "4", List.of("created"), "5", List.of("zoned"), "6", List.of("at_time"), "7", List.of("amount"),
                    "9", List.of("total"), "10", List.of("total"));
            assertThat(differingIds(old, fresh, "ledger")).as("plain JDBC: the planted rows differ")
                    .containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L, 7L, 9L, 10L);
            assertThat(fresh.count("SELECT COUNT(*) FROM ledger WHERE id = 1")).isZero();

            TableReport report = verify(old, fresh, TableMapping.identity("ledger"));

            Map<String, List<String>> different = report.differences().stream()
                    .filter(difference -> difference.kind() == RowDifference.Kind.DIFFERENT)
                    .collect(Collectors.toMap(RowDifference::key, RowDifference::columns));
            assertThat(different).as(report.toText()).isEqualTo(planted);
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).containsExactly("1");
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).containsExactly("4294967296");
        }
    }

    // Input: PostgreSQL to PostgreSQL, the values of one column swapped between two rows of one range (amounts, a
    //   text, a date; each pair in rows of one bucket, the only difference in the table). The record's hash is
    //   31^k times each column's hash, added: the two rows' hashes change by amounts that cancel in the range's
    //   sum, whatever the seed. Before the fix each run reported CLEAN (three runs, three seeds).
    @Test
    void valuesSwappedBetweenTwoRowsOfOneRangeAreFound() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE orders (id int PRIMARY KEY, amount numeric(12,2), note text, due date)",
                        "INSERT INTO orders SELECT i, i * 1.25, 'note ' || i, date '2024-01-01' + i"
                                + " FROM generate_series(1, 300) i");
            }
            fresh.execute("UPDATE orders SET amount = CASE id WHEN 10 THEN 13.75 ELSE 12.50 END WHERE id IN (10, 11)",
                    "UPDATE orders SET note = CASE id WHEN 120 THEN 'note 122' ELSE 'note 120' END WHERE id IN (120, 122)",
                    "UPDATE orders SET due = CASE id WHEN 250 THEN date '2024-01-01' + 251 ELSE date '2024-01-01' + 250 END"
                            + " WHERE id IN (250, 251)");
            List<Map<String, Object>> oldRows = old.query("SELECT id, amount, note, due FROM orders ORDER BY id");
            List<Map<String, Object>> newRows = fresh.query("SELECT id, amount, note, due FROM orders ORDER BY id");
            List<Object> swapped = java.util.stream.IntStream.range(0, oldRows.size())
                    .filter(i -> !oldRows.get(i).equals(newRows.get(i))).mapToObj(i -> oldRows.get(i).get("id")).toList();
            assertThat(swapped).as("plain JDBC").containsExactly(10, 11, 120, 122, 250, 251);

            for (int run = 0; run < 3; run++) {
                TableReport report = verify(old, fresh, TableMapping.identity("orders"));
                assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText())
                        .containsExactlyInAnyOrder("10", "11", "120", "122", "250", "251");
            }
        }
    }

    private static TableReport verify(TestDatabase old, TestDatabase fresh, TableMapping mapping) throws Exception {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).build()
                .verify(VerificationJob.builder(mapping.oldTable()).table(mapping).chunkRows(100).leafRows(4).build())
                .tables().get(0);
    }

    /** The ids present in both stores whose rows differ, each value compared by its PostgreSQL text. */
    private static List<Long> differingIds(TestDatabase old, TestDatabase fresh, String table) {
        String select = "SELECT id, big::text, created::text, zoned::text, at_time::text, amount::text, total::text FROM "
                + table + " ORDER BY id";
        Map<Object, Map<String, Object>> oldRows = old.query(select).stream()
                .collect(Collectors.toMap(row -> row.get("id"), row -> row));
        Map<Object, Map<String, Object>> newRows = fresh.query(select).stream()
                .collect(Collectors.toMap(row -> row.get("id"), row -> row));
        return oldRows.entrySet().stream().filter(entry -> newRows.containsKey(entry.getKey())
                        && !entry.getValue().equals(newRows.get(entry.getKey())))
                .map(entry -> ((Number) entry.getKey()).longValue()).sorted().toList();
    }
}
