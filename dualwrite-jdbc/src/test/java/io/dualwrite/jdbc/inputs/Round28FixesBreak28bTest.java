package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillRun;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 28b: round 28's fixes (UUID keys spelt otherwise, transaction control in one text, the backfill that ends at
 * the key it read at its start) attacked under concurrency, through pooled sessions and under inserts. Every member
 * ends comparing both stores row by row with plain JDBC and reading {@code dualwrite_change_log} with plain JDBC: a
 * member holds when the stores are equal, or every difference is recorded.
 */
class Round28FixesBreak28bTest {

    private static final String OLD_DIGITS = "LOWER(REPLACE(REPLACE(REPLACE(id, '-', ''), '{', ''), '}', ''))";
    private static final String[] TAGS = {"a", "b"};

    private static String newDigits(Kind kind) {
        return switch (kind) {
            case POSTGRES -> "REPLACE(CAST(id AS TEXT), '-', '')";
            case H2 -> "REPLACE(CAST(id AS VARCHAR), '-', '')";
            case MARIADB -> "REPLACE(CAST(id AS CHAR), '-', '')";
        };
    }

    /** The eight accepted spellings of {@code uuid}, as SQL literals. */
    private static List<String> spellings(UUID uuid) {
        String lower = uuid.toString();
        String upper = lower.toUpperCase(Locale.ROOT);
        String plain = lower.replace("-", "");
        String plainUpper = upper.replace("-", "");
        return List.of(lower, upper, plain, plainUpper, "{" + lower + "}", "{" + upper + "}", "{" + plain + "}",
                "{" + plainUpper + "}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // UUID spellings under concurrency: two instances, three threads each, overlapping UUIDs in every accepted
    // spelling (insert, update, delete by any spelling), then the reconciler; the stores compared by UUID digits.

    @ParameterizedTest(name = "{0} {1} -> {2}, composite {3}, seed {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES | false | 2801
            MARIADB  | CHAR(38)                          | POSTGRES | false | 2802
            POSTGRES | TEXT                              | MARIADB  | false | 2803
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES | true  | 2804
            POSTGRES | TEXT                              | MARIADB  | true  | 2805
            """)
    void overlappingSpellingsFromTwoInstancesConvergeOrAreRecorded(Kind oldKind, String oldType, Kind newKind,
                                                                    boolean composite, long seed) throws Exception {
        String label = oldKind + " " + oldType + " -> " + newKind + (composite ? " composite" : "") + " seed " + seed;
        TableMapping mapping = TableMapping.builder("t").build();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            String rest = composite ? ", n INT NOT NULL, tag VARCHAR(4) NOT NULL, qty INT, PRIMARY KEY (id, n, tag))"
                    : " PRIMARY KEY, qty INT)";
            oldDb.execute("CREATE TABLE t (id " + oldType + (composite ? " NOT NULL" : "") + rest);
            newDb.execute("CREATE TABLE t (id UUID" + (composite ? " NOT NULL" : "") + rest);
            List<UUID> uuids = List.of(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"),
                    UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), new UUID(seed, -seed));
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            Switchboard board = board(MigrationPhase.DUAL_WRITE);
            try (DualWriter one = writer(board, changeLog, MirrorMode.ASYNC);
                 DualWriter two = writer(board, changeLog, MirrorMode.SYNC)) {
                List<DataSource> instances = List.of(live(oldDb.dataSource(), newDb, one, mapping),
                        live(oldDb.dataSource(), newDb, two, mapping));
                List<CompletableFuture<Void>> threads = new ArrayList<>();
                AtomicInteger qty = new AtomicInteger();
                for (int t = 0; t < 6; t++) {
                    DataSource source = instances.get(t % 2);
                    Random random = new Random(seed * 31 + t);
                    threads.add(CompletableFuture.runAsync(() -> {
                        try (Connection connection = source.getConnection();
                             Statement statement = connection.createStatement()) {
                            for (int op = 0; op < 25; op++) {
                                UUID uuid = uuids.get(random.nextInt(uuids.size()));
                                String id = "'" + spellings(uuid).get(random.nextInt(8)) + "'";
                                String n = String.valueOf(1 + random.nextInt(2));
                                String tag = "'" + TAGS[random.nextInt(2)] + "'";
                                String where = " WHERE id = " + id + (composite ? " AND n = " + n + " AND tag = "
                                        + tag : "");
                                try {
                                    switch (random.nextInt(3)) {
                                        case 0 -> statement.executeUpdate("INSERT INTO t VALUES (" + id
                                                + (composite ? ", " + n + ", " + tag : "") + ", "
                                                + qty.incrementAndGet() + ")");
                                        case 1 -> statement.executeUpdate("UPDATE t SET qty = "
                                                + qty.incrementAndGet() + where);
                                        default -> statement.executeUpdate("DELETE FROM t" + where);
                                    }
                                } catch (SQLException duplicateOrDeadlock) {
                                    // the raw driver's answer too: a key taken, a deadlock between the threads
                                }
                            }
                        } catch (SQLException e) {
                            throw new CompletionException(e);
                        }
                    }));
                }
                CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).join();
                assertThat(one.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(two.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).mapping(mapping).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(1)).build();
                reconciler.runOnce();
                reconciler.runOnce();
            }
            String keyOf = composite ? " || ':' || n || ':' || tag" : "";
            String oldKey = oldKind == Kind.MARIADB ? (composite ? "CONCAT(" + OLD_DIGITS + ", ':', n, ':', tag)"
                    : OLD_DIGITS) : OLD_DIGITS + keyOf;
            String newKey = newKind == Kind.MARIADB ? (composite ? "CONCAT(" + newDigits(newKind) + ", ':', n, ':', tag)"
                    : newDigits(newKind)) : newDigits(newKind) + keyOf;
            assertConvergedOrRecorded(label, oldDb, newDb, oldKey, newKey);
        }
    }

    /**
     * Each UUID (with the other key parts) that the old store holds once must be the new store's row with its
     * quantity, and one it does not hold must not be a new row, unless a key of that UUID is recorded; two old rows of
     * one UUID must be recorded.
     */
    private static void assertConvergedOrRecorded(String label, TestDatabase oldDb, TestDatabase newDb, String oldKey,
                                                  String newKey) {
        Map<String, List<String>> olds = new TreeMap<>();
        Rows.of(oldDb, "SELECT " + oldKey + " AS k, qty FROM t")
                .forEach(row -> olds.computeIfAbsent(row.get("k"), k -> new ArrayList<>()).add(row.get("qty")));
        Map<String, String> news = new TreeMap<>();
        Rows.of(newDb, "SELECT " + newKey + " AS k, qty FROM t").forEach(row -> news.put(row.get("k"), row.get("qty")));
        TreeSet<String> recorded = new TreeSet<>();
        Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log").forEach(row -> recorded.add(
                row.get("row_key").replace("-", "").replace("{", "").replace("}", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^0-9a-f]", "").substring(0, 32)));
        TreeSet<String> keys = new TreeSet<>(olds.keySet());
        keys.addAll(news.keySet());
        List<String> unrecorded = new ArrayList<>();
        for (String key : keys) {
            List<String> held = olds.getOrDefault(key, List.of());
            String copied = news.get(key);
            boolean equal = held.size() == 1 ? held.get(0).equals(copied) : held.isEmpty() && copied == null;
            if (!equal && !recorded.contains(key.substring(0, 32))) {
                unrecorded.add(key + ": old " + held + ", new " + copied);
            }
        }
        assertThat(unrecorded).as(label + ": differences not recorded (recorded: " + recorded + ")").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The way back under NEW_PRIMARY with two instances: old keys spelt otherwise (capitals, no hyphens, braces),
    // backfilled, then both instances update, delete and insert the same UUIDs through the new store concurrently. The
    // old store must never hold a UUID twice, and each old row kept must keep its own spelling.

    @ParameterizedTest(name = "{0} {1} -> {2}, seed {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MARIADB  | "VARCHAR(40) COLLATE utf8mb4_bin" | POSTGRES | 2811
            POSTGRES | TEXT                              | MARIADB  | 2812
            """)
    void theWayBackFromTwoInstancesKeepsEachOldSpellingAndOneOldRowPerUuid(Kind oldKind, String oldType,
                                                                           Kind newKind, long seed) throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT)");
            List<UUID> uuids = new ArrayList<>();
            Random random = new Random(seed);
            for (int i = 0; i < 6; i++) {
                UUID uuid = new UUID(random.nextLong() & ~0xF000L | 0x4000L,
                        random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L);
                uuids.add(uuid);
                oldDb.execute("INSERT INTO t VALUES ('" + spellings(uuid).get(1 + i % 7) + "', " + i + ")");
            }
            Map<String, String> spelt = new TreeMap<>();
            Rows.of(oldDb, "SELECT id FROM t").forEach(row -> spelt.put(row.get("id").toLowerCase(Locale.ROOT)
                    .replace("-", "").replace("{", "").replace("}", ""), row.get("id")));
            BackfillJob.builder().migration("t").oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .mapping(mapping).build().run();
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            Switchboard board = board(MigrationPhase.NEW_PRIMARY);
            try (DualWriter one = writer(board, changeLog, MirrorMode.ASYNC);
                 DualWriter two = writer(board, changeLog, MirrorMode.SYNC)) {
                List<DataSource> instances = List.of(live(oldDb.dataSource(), newDb, one, mapping),
                        live(oldDb.dataSource(), newDb, two, mapping));
                List<CompletableFuture<Void>> threads = new ArrayList<>();
                AtomicInteger qty = new AtomicInteger(100);
                for (int t = 0; t < 4; t++) {
                    DataSource source = instances.get(t % 2);
                    Random own = new Random(seed * 31 + t);
                    threads.add(CompletableFuture.runAsync(() -> {
                        try (Connection connection = source.getConnection();
                             Statement statement = connection.createStatement()) {
                            for (int op = 0; op < 30; op++) {
                                String id = "'" + uuids.get(own.nextInt(uuids.size())) + "'";
                                try {
                                    switch (own.nextInt(4)) {
                                        case 0 -> statement.executeUpdate("DELETE FROM t WHERE id = " + id);
                                        case 1 -> statement.executeUpdate("INSERT INTO t VALUES (" + id + ", "
                                                + qty.incrementAndGet() + ")");
                                        default -> statement.executeUpdate("UPDATE t SET qty = "
                                                + qty.incrementAndGet() + " WHERE id = " + id);
                                    }
                                } catch (SQLException duplicateOrDeadlock) {
                                    // the raw driver's answer too
                                }
                            }
                        } catch (SQLException e) {
                            throw new CompletionException(e);
                        }
                    }));
                }
                CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).join();
                assertThat(one.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(two.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).mapping(mapping).resolver("t", board)
                        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build().runOnce();
            }
            String label = oldKind + " -> " + newKind + " seed " + seed;
            assertConvergedOrRecorded(label, oldDb, newDb, OLD_DIGITS, newDigits(newKind));
            List<String> respelt = new ArrayList<>();
            for (Map<String, String> row : Rows.of(oldDb, "SELECT id FROM t")) {
                String digits = row.get("id").toLowerCase(Locale.ROOT).replace("-", "").replace("{", "")
                        .replace("}", "");
                String before = spelt.get(digits);
                if (before != null && !before.equals(row.get("id"))
                        && !row.get("id").equals(UUID.fromString(uuidOf(digits)).toString())) {
                    respelt.add(before + " became " + row.get("id"));
                }
            }
            assertThat(respelt).as(label + ": old rows respelt to neither their own nor the printed spelling")
                    .isEmpty();
        }
    }

    private static String uuidOf(String digits) {
        return digits.substring(0, 8) + "-" + digits.substring(8, 12) + "-" + digits.substring(12, 16) + "-"
                + digits.substring(16, 20) + "-" + digits.substring(20);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // A UUID of 32 decimal digits spelt without hyphens (round 28 left it locked as that number): a sync of it in
    // flight, played on the new store with the copier's own lock (taken before it reads the old store, held until its
    // write commits), while another instance deletes that spelling and inserts the printed one. The printed spelling's
    // sync must wait for it, as every sync of one row waits for another; else the in-flight sync's stale write lands
    // after it and the delete's sync keeps that row (the old store holds the UUID spelt otherwise).

    @ParameterizedTest(name = "{0} {1} -> POSTGRES uuid: {2} then {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | TEXT        | 12345678901234567890123456789012 | 12345678-9012-3456-7890-123456789012
            MARIADB  | VARCHAR(40) | 12345678901234567890123456789012 | {12345678-9012-3456-7890-123456789012}
            POSTGRES | TEXT        | 12345678-9012-3456-7890-123456789012 | 12345678901234567890123456789012
            """)
    void aSyncOfADecimalUuidInFlightIsWaitedForByTheSyncOfItsOtherSpelling(Kind oldKind, String oldType,
                                                                            String first, String second)
            throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(Kind.POSTGRES)) {
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)",
                    "INSERT INTO t VALUES ('" + first + "', 1)");
            newDb.execute("CREATE TABLE t (id UUID PRIMARY KEY, qty INT)",
                    "INSERT INTO t VALUES ('12345678-9012-3456-7890-123456789012', 1)");
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            Switchboard board = board(MigrationPhase.DUAL_WRITE);
            try (DualWriter one = writer(board, changeLog, MirrorMode.ASYNC);
                 DualWriter two = writer(board, changeLog, MirrorMode.ASYNC);
                 Connection inFlight = newDb.dataSource().getConnection()) {
                inFlight.setAutoCommit(false);
                // the first spelling's sync: its lock, then its read of the old store (qty 1)
                io.dualwrite.jdbc.copy.KeyLocks.lock(inFlight, "t", List.of(first), 1, Duration.ofSeconds(5));
                DataSource deleting = live(oldDb.dataSource(), newDb, one, mapping);
                DataSource inserting = live(oldDb.dataSource(), newDb, two, mapping);
                try (Connection connection = deleting.getConnection(); Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("DELETE FROM t WHERE id = '" + first + "'")).isEqualTo(1);
                }
                try (Connection connection = inserting.getConnection();
                     Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("INSERT INTO t VALUES ('" + second + "', 2)")).isEqualTo(1);
                }
                // the delete's sync waits for the lock; the second spelling's sync either copied its row past the
                // lock, or waits for it too
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() ->
                        "2".equals(newQty(newDb)) || newDb.count("SELECT count(DISTINCT pid) FROM pg_locks"
                                + " WHERE locktype = 'advisory' AND NOT granted") >= 2);
                // the in-flight sync writes what it read and commits, releasing its lock
                try (Statement statement = inFlight.createStatement()) {
                    statement.executeUpdate("UPDATE t SET qty = 1 WHERE id = '12345678-9012-3456-7890-123456789012'");
                }
                inFlight.commit();
                assertThat(one.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(two.awaitMirrors(Duration.ofSeconds(30))).isTrue();
            }
            assertConvergedOrRecorded(oldKind + " " + first + " then " + second, oldDb, newDb, OLD_DIGITS,
                    newDigits(Kind.POSTGRES));
        }
    }

    private static String newQty(TestDatabase newDb) {
        List<Map<String, String>> rows = Rows.of(newDb, "SELECT qty FROM t");
        return rows.isEmpty() ? null : rows.get(0).get("qty");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sessions of a pool after a text left a transaction open, aborted or prepared: the next borrower of the same
    // session. The library's close rolls back a transaction the application left open (decided in round 8: its
    // uncommitted work must never land unsynced), where a raw pool hands the session on inside it; the twin is run
    // through the raw driver with that ROLLBACK at its close, so that the views compared are the library's promise.

    @ParameterizedTest(name = "{0}: {1} | {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            POSTGRES | "BEGIN; UPDATE t SET qty = 10 WHERE id = 1"                             | "UPDATE t SET qty = 20 WHERE id = 2;; COMMIT"
            POSTGRES | "BEGIN;; UPDATE t SET qty = 10 WHERE id = 1"                            | "UPDATE t SET qty = 20 WHERE id = 2;; COMMIT"
            POSTGRES | "BEGIN; UPDATE t SET qty = 10 WHERE id = 1; SELECT 1/0"                 | "UPDATE t SET qty = 20 WHERE id = 2;; COMMIT"
            POSTGRES | "BEGIN;; UPDATE t SET qty = 10 WHERE id = 1;; PREPARE TRANSACTION 'g@'" | "UPDATE t SET qty = 20 WHERE id = 2;; COMMIT PREPARED 'g@'"
            POSTGRES | "BEGIN; UPDATE t SET qty = 10 WHERE id = 1; PREPARE TRANSACTION 'g@'"   | "COMMIT PREPARED 'g@'"
            POSTGRES | "BEGIN;; UPDATE t SET qty = 10 WHERE id = 1;; PREPARE TRANSACTION 'g@'" | "BEGIN;; UPDATE t SET qty = 20 WHERE id = 2;; COMMIT PREPARED 'g@'"
            MARIADB  | "START TRANSACTION;; UPDATE t SET qty = 10 WHERE id = 1"                | "UPDATE t SET qty = 20 WHERE id = 2;; COMMIT"
            MARIADB  | "SET autocommit = 0;; UPDATE t SET qty = 10 WHERE id = 1"               | "UPDATE t SET qty = 20 WHERE id = 2;; COMMIT"
            MARIADB  | "XA START 'x@';; UPDATE t SET qty = 10 WHERE id = 1;; XA END 'x@';; XA PREPARE 'x@'" | "UPDATE t SET qty = 20 WHERE id = 2;; XA COMMIT 'x@'"
            """)
    void theNextBorrowerOfASessionLeftInATransactionSeesTheSessionAsTheDriverShowsItAndTheStoresConverge(
            Kind kind, String left, String next) throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(kind);
             TestDatabase twin = TestDatabases.create(kind);
             TestDatabase newDb = TestDatabases.create(kind);
             // two sessions: MariaDB's auto-commit syncs are never lent the caller's session (ROW_COUNT()), so a SYNC
             // caller of a pool of one waits its time limit for a second one; HikariCP hands a thread back the
             // session it returned last, which the test checks
             HikariDataSource pool = SessionPools.pool(oldDb, 2);
             HikariDataSource twinPool = SessionPools.pool(twin, 2)) {
            for (TestDatabase db : List.of(oldDb, twin, newDb)) {
                db.execute("CREATE TABLE t (id INT PRIMARY KEY, qty INT)", "INSERT INTO t VALUES (1, 1), (2, 2)");
            }
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            String session = kind == Kind.POSTGRES ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
            try (DualWriter writer = writer(board(MigrationPhase.DUAL_WRITE), changeLog, MirrorMode.SYNC)) {
                DataSource dual = live(pool, newDb, writer, mapping);
                List<List<String>> views = new ArrayList<>();
                for (int side = 0; side < 2; side++) {
                    DataSource source = side == 0 ? dual : twinPool;
                    String gid = side == 0 ? "lib" : "raw";
                    List<String> view = new ArrayList<>();
                    String firstSession;
                    try (Connection first = source.getConnection(); Statement statement = first.createStatement()) {
                        firstSession = sessionOf(statement, session);
                        for (String sql : left.replace("@", gid).split(";; ")) {
                            view.add(step(() -> statement.execute(sql)));
                        }
                        if (side == 1) {
                            view.add(step(() -> statement.execute("ROLLBACK"))); // what the library's close does
                        }
                    }
                    try (Connection again = source.getConnection(); Statement statement = again.createStatement()) {
                        assertThat(sessionOf(statement, session)).as("the same session borrowed again")
                                .isEqualTo(firstSession);
                        for (String sql : next.replace("@", gid).split(";; ")) {
                            view.add(step(() -> statement.execute(sql)));
                        }
                        view.add("autoCommit " + again.getAutoCommit());
                    }
                    if (side == 0) {
                        view.add(view.remove(view.size() - 1)); // the library adds no step of its own
                    }
                    views.add(view);
                }
                List<String> raw = new ArrayList<>(views.get(1));
                raw.remove(left.split(";; ").length); // the twin's ROLLBACK at close
                assertThat(views.get(0)).as("the caller's view is the raw driver's (with the close's ROLLBACK)")
                        .isEqualTo(raw);
                assertThat(writer.awaitMirrors(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(Rows.of(oldDb, "SELECT id, qty FROM t ORDER BY id")).as("the old store is its twin")
                    .isEqualTo(Rows.of(twin, "SELECT id, qty FROM t ORDER BY id"));
            List<Map<String, String>> recorded = Rows.of(oldDb, "SELECT * FROM dualwrite_change_log");
            if (recorded.isEmpty()) {
                assertThat(Rows.of(newDb, "SELECT id, qty FROM t ORDER BY id")).as("the stores equal, nothing recorded")
                        .isEqualTo(Rows.of(oldDb, "SELECT id, qty FROM t ORDER BY id"));
            } else {
                Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).mapping(mapping).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(1)).build().runOnce();
                // a text of several statements records a scoped resync, which the verification tools resolve
                Verifier verifier = Verifier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).recheckDelay(Duration.ZERO).recheckRounds(1).build();
                RowCopier copier = RowCopier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).build();
                ScopedResyncResolver.builder().migration("t").changeLog(changeLog).verifier(verifier)
                        .repairer(Repairer.of(copier, verifier)).mapping(mapping).build().resolveOnce();
                assertThat(Rows.of(oldDb, "SELECT id FROM dualwrite_change_log")).as("resolved: " + recorded)
                        .isEmpty();
                assertThat(Rows.of(newDb, "SELECT id, qty FROM t ORDER BY id")).as("reconciled: " + recorded)
                        .isEqualTo(Rows.of(oldDb, "SELECT id, qty FROM t ORDER BY id"));
            }
        }
    }

    private static String sessionOf(Statement statement, String sql) throws SQLException {
        try (java.sql.ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private interface Step {
        Object run() throws SQLException;
    }

    private static String step(Step step) {
        try {
            return String.valueOf(step.run());
        } catch (SQLException e) {
            return e.getClass().getSimpleName() + " " + e.getSQLState() + " " + e.getErrorCode();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The backfill's end key: UUID and text keys arriving below the end while a rate-limited run walks, two instances.

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            MARIADB  | POSTGRES | UUID
            POSTGRES | MARIADB  | TEXT
            """)
    void aRateLimitedBackfillEndsWhileKeysArriveBelowItsEndAndAResumedRunConverges(Kind oldKind, Kind newKind,
                                                                                     String keys) throws Exception {
        TableMapping mapping = TableMapping.builder("t").build();
        boolean uuid = keys.equals("UUID");
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(oldKind);
             TestDatabase newDb = TestDatabases.create(newKind)) {
            String oldType = uuid ? "UUID" : "VARCHAR(40)";
            String newType = uuid ? "UUID" : newKind == Kind.MARIADB ? "VARCHAR(40) COLLATE utf8mb4_bin" : "VARCHAR(40)";
            oldDb.execute("CREATE TABLE t (id " + oldType + " PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE t (id " + newType + " PRIMARY KEY, qty INT)");
            Random random = new Random(2806);
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                values.append(i == 0 ? "" : ", ").append("('").append(key(random, uuid)).append("', ").append(i)
                        .append(')');
            }
            oldDb.execute("INSERT INTO t VALUES " + values);
            JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
            Switchboard board = board(MigrationPhase.DUAL_WRITE);
            try (DualWriter one = writer(board, changeLog, MirrorMode.ASYNC);
                 DualWriter two = writer(board, changeLog, MirrorMode.ASYNC)) {
                List<DualWriteDataSource> instances = List.of(live(oldDb.dataSource(), newDb, one, mapping),
                        live(oldDb.dataSource(), newDb, two, mapping));
                AtomicBoolean done = new AtomicBoolean();
                AtomicInteger inserted = new AtomicInteger();
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    DataSource source = instances.get(w);
                    Random own = new Random(2807 + w);
                    writers.add(CompletableFuture.runAsync(() -> {
                        try (Connection connection = source.getConnection();
                             Statement statement = connection.createStatement()) {
                            // a bounded number of inserts: with inserts below the end outrunning the limit without
                            // bound the run does not end (round 28b's left (a))
                            for (int row = 0; row < 60 && !done.get(); row++) {
                                // below the end as often as above it: random keys, and a few before every key
                                String id = own.nextBoolean() ? key(own, uuid)
                                        : (uuid ? "00000000-0000-4000-8000-" + String.format("%012d", own.nextInt(1 << 30))
                                                : "0" + own.nextInt(1 << 30));
                                statement.executeUpdate("INSERT INTO t VALUES ('" + id + "', "
                                        + (1000 + inserted.incrementAndGet()) + ")");
                            }
                        } catch (SQLException e) {
                            throw new CompletionException(e);
                        }
                    }));
                }
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> inserted.get() >= 20);
                    BackfillJob.Builder job = BackfillJob.builder().migration("t").name("ends-28b")
                            .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(mapping)
                            .changeLog(changeLog).workers(2).chunkRows(5, 20).rateLimit(40);
                    BackfillRun first = job.rowCopier(instances.get(0).rowCopier()).build().start();
                    BackfillRun second = job.rowCopier(instances.get(1).rowCopier()).build().start();
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                            .until(() -> first.isDone() && second.isDone());
                    assertThat(first.await().complete()).isTrue();
                    assertThat(second.await().complete()).isTrue();
                } finally {
                    done.set(true);
                    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
                }
                assertThat(one.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                assertThat(two.awaitMirrors(Duration.ofSeconds(30))).isTrue();
                // rows written behind the library's back below the end, then the run resumed (its checkpoint reset)
                oldDb.execute("INSERT INTO t VALUES ('" + key(random, uuid) + "', -1), ('" + key(random, uuid)
                        + "', -2)");
                BackfillJob resumed = BackfillJob.builder().migration("t").name("ends-28b")
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).mapping(mapping)
                        .changeLog(changeLog).rowCopier(instances.get(0).rowCopier()).build();
                resumed.resetCheckpoints();
                assertThat(resumed.run().complete()).isTrue();
            }
            assertThat(Rows.of(newDb, "SELECT id, qty FROM t ORDER BY qty")).as("the stores equal row by row")
                    .isEqualTo(Rows.of(oldDb, "SELECT id, qty FROM t ORDER BY qty")).hasSizeGreaterThan(80);
            assertThat(Rows.of(oldDb, "SELECT row_key FROM dualwrite_change_log WHERE operation <> 'RESYNC'"))
                    .as("nothing left recorded").isEmpty();
        }
    }

    private static String key(Random random, boolean uuid) {
        // a version 4 UUID (MariaDB's UUID type refuses other variants)
        return uuid ? new UUID(random.nextLong() & ~0xF000L | 0x4000L,
                random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString()
                : Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static Switchboard board(MigrationPhase phase) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("t")).build();
        switchboard.switchStore().setSystemPhase("t", phase);
        return switchboard;
    }

    private static DualWriter writer(Switchboard board, JdbcChangeLog changeLog, MirrorMode mode) {
        return DualWriter.builder().resolver(board).changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(mode).timeLimit(Duration.ofSeconds(30))
                        .breakerSlowCallDurationThreshold(Duration.ofSeconds(30)).build()).build();
    }

    private static DualWriteDataSource live(DataSource old, TestDatabase newDb, DualWriter writer,
                                            TableMapping mapping) {
        return DualWriteDataSource.builder().oldDataSource(old).newDataSource(newDb.dataSource()).migration("t")
                .dualWriter(writer).mapping(mapping).outboxGrace(Duration.ZERO).build();
    }

}
