package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Twenty-third break review of the migration tools. Between two PostgreSQL stores a row is hashed by its values
 * ({@code hash_record_extended}); the first tests plant differences that the types' own hashes or the way the
 * record's hash adds its columns' hashes cannot see, whatever the run's seed: a {@code bigint} (and the date-times and
 * times hashed as one) whose two 32-bit halves XOR alike, a {@code numeric} of the other sign or another special
 * value, the values of one column swapped between two rows of one range, and domains, serials and type-only
 * differences beside them. Then the phase gate against a clean run that started before the scope's switches last
 * moved, the switch-refresh window against a switch time edited to the future, and a backfill checkpoint planned
 * under another key type before the upgrade (H2, PostgreSQL, MariaDB). Each test ends comparing the rows with plain
 * JDBC.
 */
class ToolsBreak23Test {

    private static final TableMapping PARTS = TableMapping.builder("parts").primaryKey("shop", "id").build();

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

    // Input: more members of the kind, and forms that must stay clean. Domains over bigint and numeric (the result
    //   set names their base type, so they hash by value), a bigserial, a two-column key (int4, int8) whose int8
    //   part is a twin under int8's hash, numeric 2.5 against -2.5 in a domain and -Infinity against NaN; clean:
    //   numeric 1.0 against 1.000 and '-0' against 0, timestamptz written under Asia/Kolkata and under
    //   America/New_York for one instant, char(5) against char(8) padding, varchar(10) against varchar(20).
    @Test
    void domainsSerialsAndCompositeKeysHashByValueWithoutTypeOnlyDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            String table = "CREATE TABLE parts (shop int4, id int8, serial_no bigserial, qty big_qty, price money_ish,"
                    + " ratio numeric, at timestamptz, tag char(%d), label varchar(%d), PRIMARY KEY (shop, id))";
            old.execute("CREATE DOMAIN big_qty AS bigint CHECK (VALUE > -10000000000)",
                    "CREATE DOMAIN money_ish AS numeric(12,2)", table.formatted(5, 10),
                    "SET TIME ZONE 'Asia/Kolkata'",
                    "INSERT INTO parts SELECT i % 3, i, i, 7, 2.50, 1.0, timestamptz '2024-05-01 10:00:00+05:30', 'ab',"
                            + " 'l' || i FROM generate_series(1, 60) i");
            fresh.execute("CREATE DOMAIN big_qty AS bigint", "CREATE DOMAIN money_ish AS numeric",
                    table.formatted(8, 20), "SET TIME ZONE 'America/New_York'",
                    "INSERT INTO parts SELECT i % 3, i, i, 7, 2.5, 1.000, timestamptz '2024-05-01 00:30:00-04', 'ab',"
                            + " 'l' || i FROM generate_series(1, 60) i");
            old.execute("UPDATE parts SET ratio = 0 WHERE id = 20", "UPDATE parts SET ratio = 'NaN' WHERE id = 21");
            fresh.execute("UPDATE parts SET ratio = '-0' WHERE id = 20", "UPDATE parts SET ratio = 'NaN' WHERE id = 21");
            assertThat(verify(old, fresh, PARTS).differences()).as("type-only differences")
                    .isEmpty();
            fresh.execute("UPDATE parts SET qty = " + (7L ^ (1L << 32) ^ 1L) + " WHERE id = 3",
                    "UPDATE parts SET serial_no = " + (5L ^ (1L << 32) ^ 1L) + " WHERE id = 5",
                    "UPDATE parts SET price = -2.5 WHERE id = 8",
                    "UPDATE parts SET ratio = '-Infinity' WHERE id = 21",
                    // the key (1, 10) becomes (1, 10's twin): one row missing, one extra
                    "UPDATE parts SET id = " + (10L ^ (1L << 32) ^ 1L) + " WHERE id = 10");
            String select = "SELECT shop, id, serial_no, qty::text, trim_scale(price)::text AS price,"
                    + " trim_scale(ratio)::text AS ratio FROM parts ORDER BY shop, id";
            assertThat(old.query(select)).as("plain JDBC").isNotEqualTo(fresh.query(select));

            TableReport report = verify(old, fresh, PARTS);

            Map<String, List<String>> different = report.differences().stream()
                    .filter(difference -> difference.kind() == RowDifference.Kind.DIFFERENT)
                    .collect(Collectors.toMap(RowDifference::key, RowDifference::columns));
            assertThat(different.values()).as(report.toText()).containsExactlyInAnyOrder(List.of("qty"),
                    List.of("serial_no"), List.of("price"), List.of("ratio"));
            assertThat(report.differences()).as(report.toText()).hasSize(6);
            List<Map<String, Object>> oldRows = old.query(select);
            List<Map<String, Object>> newRows = fresh.query(select);
            assertThat(newRows.stream().filter(row -> !oldRows.contains(row)).map(row -> row.get("id")).toList())
                    .as("plain JDBC").containsExactlyInAnyOrder(3L, 5L, 8L, 21L, 10L ^ (1L << 32) ^ 1L);
        }
    }

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();

    // Input (left open by round 22): the standard gate given the switch store. Merchant m-1 verified clean in
    //   DUAL_WRITE, rolled back to OLD_ONLY, an OLD_ONLY write (the old store only, as such a write lands), moved to
    //   DUAL_WRITE again and at once on to NEW_PRIMARY; likewise the whole migration through the system switch with a
    //   whole-table run, and a merchant's move after a whole-table run that started before that merchant's switch
    //   changed. The gate allowed each move on the run from before the rollback while the new store missed the
    //   write. Now it refuses, naming the switch and its change, until a run that started after it; a move of
    //   m-2, whose switch did not change after the run, is still allowed. H2, PostgreSQL, MariaDB.
    @Test
    void theGateCountsOnlyAVerificationThatStartedAfterTheScopesSwitchesLastMoved() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                for (TestDatabase db : List.of(old, fresh)) {
                    db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)",
                            "INSERT INTO orders VALUES (1, 'm-1', 1), (2, 'm-2', 2), (3, 'm-1', 3), (4, 'm-3', 4)");
                }
                Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(old.dataSource()))
                        .refreshInterval(Duration.ofMillis(100)).migration(MigrationSwitchConfig.of("orders")).build();
                InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                SwitchAdmin admin = SwitchAdmin.of(switchboard, PhaseGate.standard(changeLog::pendingCount,
                        JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS)), switchboard.switchStore()));
                Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .changeLog(changeLog).resolver(switchboard).recheckDelay(Duration.ZERO).build();
                String label = kind.toString();

                // a merchant
                admin.moveMerchant("orders", "m-1", MigrationPhase.DUAL_WRITE, false);
                admin.moveMerchant("orders", "m-2", MigrationPhase.DUAL_WRITE, false);
                VerificationJob m1 = VerificationJob.builder("orders").table(ORDERS).merchant("m-1").build();
                assertThat(verifyOnceAllowed(verifier, m1).clean()).as(label).isTrue();
                admin.moveMerchant("orders", "m-1", MigrationPhase.OLD_ONLY, false);
                old.execute("UPDATE orders SET qty = 11 WHERE id = 1"); // under OLD_ONLY: the old store only
                admin.moveMerchant("orders", "m-1", MigrationPhase.DUAL_WRITE, false);
                assertThatThrownBy(() -> admin.moveMerchant("orders", "m-1", MigrationPhase.NEW_PRIMARY, false))
                        .as(label).isInstanceOf(PhaseMoveRefusedException.class)
                        .hasMessageContaining("started before its switches last changed")
                        .hasMessageContaining("MERCHANT switch 'm-1'");
                VerificationResult dirty = verifyOnceAllowed(verifier, m1);
                assertThat(dirty.clean()).as(label).isFalse();
                Repairer.of(RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .build(), verifier).repair(m1, dirty);
                assertThat(verifier.verify(m1).clean()).as(label).isTrue();
                assertThat(admin.moveMerchant("orders", "m-1", MigrationPhase.NEW_PRIMARY, false).reason()).as(label)
                        .contains("started after its switches last changed");

                // the whole migration, through the system switch, with a whole-table run
                VerificationJob whole = VerificationJob.builder("orders").table(ORDERS).build();
                admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
                assertThat(verifyOnceAllowed(verifier, whole).clean()).as(label).isTrue();
                admin.moveSystem("orders", MigrationPhase.OLD_ONLY, false);
                old.execute("UPDATE orders SET qty = 44 WHERE id = 4"); // m-3 follows the system switch
                admin.moveSystem("orders", MigrationPhase.DUAL_WRITE, false);
                assertThatThrownBy(() -> admin.moveSystem("orders", MigrationPhase.SHADOW_READ, false))
                        .as(label).isInstanceOf(PhaseMoveRefusedException.class)
                        .hasMessageContaining("started before its switches last changed")
                        .hasMessageContaining("SYSTEM switch");
                // m-3 has no switch of its own and follows the system switch: its move is refused too
                assertThatThrownBy(() -> admin.moveMerchant("orders", "m-3", MigrationPhase.NEW_PRIMARY, false))
                        .as(label).isInstanceOf(PhaseMoveRefusedException.class)
                        .hasMessageContaining("started before its switches last changed");
                VerificationResult wholeDirty = verifyOnceAllowed(verifier, whole);
                assertThat(wholeDirty.clean()).as(label).isFalse();
                Repairer.of(RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .build(), verifier).repair(whole, wholeDirty);
                assertThat(verifier.verify(whole).clean()).as(label).isTrue();

                // a whole-table run, then m-2 rolled back and forth: m-2 refused; m-3 (no change since) allowed
                admin.moveMerchant("orders", "m-2", MigrationPhase.OLD_ONLY, false);
                old.execute("UPDATE orders SET qty = 22 WHERE id = 2");
                admin.moveMerchant("orders", "m-2", MigrationPhase.DUAL_WRITE, false);
                assertThatThrownBy(() -> admin.moveMerchant("orders", "m-2", MigrationPhase.NEW_PRIMARY, false))
                        .as(label).isInstanceOf(PhaseMoveRefusedException.class)
                        .hasMessageContaining("MERCHANT switch 'm-2'");
                assertThat(admin.moveMerchant("orders", "m-3", MigrationPhase.NEW_PRIMARY, false).allowed())
                        .as(label).isTrue();
                VerificationJob m2 = VerificationJob.builder("orders").table(ORDERS).merchant("m-2").build();
                VerificationResult m2Dirty = verifyOnceAllowed(verifier, m2);
                Repairer.of(RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                        .build(), verifier).repair(m2, m2Dirty);

                String select = "SELECT id, merchant_id, qty FROM orders ORDER BY id";
                assertThat(fresh.query(select)).as(label).isEqualTo(old.query(select));
                assertThat(fresh.query(select)).as(label).extracting(row -> ((Number) row.get("qty")).intValue())
                        .containsExactly(11, 22, 3, 44);
            }
        }
    }

    // Input: the switch-refresh window against a switch row whose updated_at was edited by hand to a time the
    //   store's clock has not reached (a day ahead; the merchant's switch, and the rules' marker row), as a clock
    //   ahead would also write it. Before, the backfill and the verification refused saying "may start at" that
    //   time, a wait that means nothing (the change's real time is unknown) and for a year ahead a year's wait. Now
    //   each refuses naming the switch, that its time is later than the store's clock, and the fix (set the switch
    //   again); once set again and settled, both run, and the stores end equal. H2, PostgreSQL, MariaDB.
    @Test
    void aSwitchStampedLaterThanTheStoresClockIsRefusedByNameUntilSetAgain() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (String edited : List.of("MERCHANT", "RULES_SET")) {
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    old.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)",
                            "INSERT INTO orders VALUES (1, 'm-1', 1), (2, 'm-1', 2), (3, 'm-2', 3)");
                    fresh.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), qty INT)",
                            "INSERT INTO orders VALUES (1, 'm-1', 5)");
                    Switchboard switchboard = Switchboard.builder()
                            .switchStore(JdbcSwitchStore.create(old.dataSource())).refreshInterval(Duration.ofMillis(100))
                            .migration(MigrationSwitchConfig.of("orders")).build();
                    switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
                    switchboard.switchStore().setRules("orders", List.of());
                    try (java.sql.Connection connection = old.dataSource().getConnection();
                         java.sql.PreparedStatement update = connection.prepareStatement(
                                 "UPDATE dualwrite_switch SET updated_at = ? WHERE scope_kind = ?")) {
                        update.setObject(1, LocalDateTime.now(java.time.ZoneOffset.UTC).plusDays(1));
                        update.setString(2, edited);
                        assertThat(update.executeUpdate()).isEqualTo(1);
                    }
                    String label = kind + " " + edited;
                    VerificationJob job = VerificationJob.builder("orders").table(ORDERS).merchant("m-1").build();
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).resolver(switchboard).recheckDelay(Duration.ZERO).build();
                    BackfillJob backfill = BackfillJob.builder().migration("orders").oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).mapping(ORDERS).scope(BackfillScope.merchant("m-1"))
                            .resolver(switchboard).build();

                    assertThatThrownBy(() -> verifier.verify(job)).as(label).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("later than the switch store's clock")
                            .hasMessageContaining(edited.equals("MERCHANT") ? "MERCHANT switch 'm-1'" : "rules")
                            .hasMessageContaining("set that switch again");
                    assertThatThrownBy(backfill::run).as(label).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("later than the switch store's clock");
                    if (edited.equals("MERCHANT")) {
                        switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
                    } else {
                        switchboard.switchStore().setRules("orders", List.of());
                    }
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                            .ignoreExceptionsInstanceOf(IllegalStateException.class)
                            .until(() -> backfill.run().complete());
                    assertThat(verifyOnceAllowed(verifier, job).clean()).as(label).isTrue();

                    String select = "SELECT id, merchant_id, qty FROM orders WHERE merchant_id = 'm-1' ORDER BY id";
                    assertThat(fresh.query(select)).as(label).isEqualTo(old.query(select)).hasSize(2);
                }
            }
        }
    }

    // Input (left open by round 22): a backfill checkpoint left by an earlier version (its head holds the mapping's
    //   settings alone, no key types) with chunks pending, and the key's type changed across the upgrade itself,
    //   from a text to an integer: keys '1'..'12' planned in chunks of two in text order, bounds '10', '12', '3',
    //   '5', '7', '9'; the first two chunks done. Resumed, the chunk ('12', '3'] read as integers holds no key, so 2
    //   and 3 were never copied and the run called itself complete (PostgreSQL, MariaDB). Now the checkpoint's bounds
    //   must ascend in the table's key order now where Java knows it (integer and decimal keys): refused before any
    //   row, naming the chunk and resetCheckpoints; reset, every row is copied.
    @Test
    void aCheckpointPlannedUnderAnotherKeyTypeBeforeTheUpgradeIsRefusedByItsBoundsOrder() throws Exception {
        TableMapping t = TableMapping.identity("t");
        for (Kind kind : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                String text = "VARCHAR(10)" + (kind == Kind.MARIADB ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "");
                old.execute("CREATE TABLE t (id " + text + " NOT NULL PRIMARY KEY, v INT)");
                fresh.execute("CREATE TABLE t (id " + text + " NOT NULL PRIMARY KEY, v INT)");
                StringBuilder values = new StringBuilder();
                for (int i = 1; i <= 12; i++) {
                    values.append(i == 1 ? "" : ", ").append("('").append(i).append("', ").append(i).append(")");
                }
                old.execute("INSERT INTO t VALUES " + values);
                assertThat(ToolsBreakSupport.inPairs(old, fresh, t).run().complete()).as(kind.toString()).isTrue();
                assertThat(old.query("SELECT upper_key FROM dualwrite_backfill_checkpoint WHERE chunk_no > 0"
                        + " ORDER BY chunk_no").stream().map(row -> String.valueOf(row.values().iterator().next())).toList())
                        .as(kind.toString()).containsExactly("10", "12", "3", "5", "7", "9");
                String head = String.valueOf(old.query("SELECT lower_key FROM dualwrite_backfill_checkpoint"
                        + " WHERE chunk_no = 0").get(0).values().iterator().next());
                String earlier = head.substring(0, head.indexOf(" key [id "));
                old.execute("UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                                + " WHERE chunk_no > 2",
                        "UPDATE dualwrite_backfill_checkpoint SET lower_key = '" + earlier.replace("'", "''")
                                + "' WHERE chunk_no = 0",
                        kind == Kind.MARIADB ? "ALTER TABLE t MODIFY id INT NOT NULL"
                                : "ALTER TABLE t ALTER COLUMN id TYPE int USING id::int");
                fresh.execute("DELETE FROM t WHERE v BETWEEN 2 AND 9");

                assertThatThrownBy(() -> ToolsBreakSupport.inPairs(old, fresh, t).run()).as(kind.toString())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("no row was copied")
                        .hasMessageContaining("chunk #3 ends at key '3', which is not after key '12'")
                        .hasMessageContaining("BackfillJob.resetCheckpoints");
                assertThat(fresh.count("SELECT COUNT(*) FROM t")).isEqualTo(4);

                ToolsBreakSupport.inPairs(old, fresh, t).resetCheckpoints();
                assertThat(ToolsBreakSupport.inPairs(old, fresh, t).run().complete()).as(kind.toString()).isTrue();
                String sql = "SELECT id, v FROM t ORDER BY v";
                assertThat(ToolsBreakSupport.rows(fresh, sql)).as(kind.toString()).hasSize(12)
                        .isEqualTo(ToolsBreakSupport.rows(old, sql));
            }
        }
    }

    /** Runs the job once the switches have settled (the verifier refuses inside the switch-refresh window). */
    private static VerificationResult verifyOnceAllowed(Verifier verifier, VerificationJob job) {
        VerificationResult[] result = new VerificationResult[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> (result[0] = verifier.verify(job)) != null);
        return result[0];
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
