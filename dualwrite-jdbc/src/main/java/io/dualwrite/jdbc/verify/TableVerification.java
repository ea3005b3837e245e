package io.dualwrite.jdbc.verify;

import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.KeyCodec;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification of one table (and scope) on two open connections: cut into chunks, checksums compared on
 * both stores at once, differing ranges split until small, small ranges diffed row by row, then every row found
 * different read again once the writes in flight have landed.
 */
final class TableVerification {

    private static final Logger log = LoggerFactory.getLogger(TableVerification.class);

    /** Where the run's settings and shared parts come from. */
    record Context(String migration, ExecutorService executor, @Nullable ChangeLog changeLog,
                   @Nullable DualWriter dualWriter, Duration recheckDelay, Duration settleTimeout, int recheckRounds,
                   int maxDifferences, Clock clock) {
    }

    /** A row found different, with the key values to read it again by. */
    private static final class Suspect {
        final String keyText;
        RowDifference.Kind kind;
        List<Object> key;
        final Set<String> columns = new LinkedHashSet<>();

        Suspect(String keyText, RowDifference.Kind kind, List<Object> key) {
            this.keyText = keyText;
            this.kind = kind;
            this.key = key;
        }
    }

    private final Context context;
    private final TablePlan plan;
    private final TableSide oldSide;
    private final TableSide newSide;
    private final Connection oldConnection;
    private final Connection newConnection;
    private final VerificationRun.Tracker tracker;
    private final @Nullable RateLimiter limiter;
    private final AtomicLong fetched;
    /**
     * Whether the table is keyed by one integer column holding the same values on both stores (no transform):
     * its chunks can be cut into buckets by key value ({@link #searchBuckets}).
     */
    private final boolean integerKey;
    private final Map<String, Suspect> suspects = new LinkedHashMap<>();
    /** By old column name, the key texts of the rows whose value of it a store could not render in SQL. */
    private final Map<String, Set<String>> renderedInJava = new TreeMap<>();
    private final long[] overflow = new long[RowDifference.Kind.values().length];
    private long rowsCompared;
    private long newRowsCompared;
    /** Keys found different and not yet in the checkpoint, in the change log's key form. */
    private final List<String> unsaved = new ArrayList<>();
    private long savedSuspects;

    TableVerification(Context context, TablePlan plan, TableSide oldSide, TableSide newSide, Connection oldConnection,
                      Connection newConnection, VerificationRun.Tracker tracker, @Nullable RateLimiter limiter,
                      AtomicLong fetched) {
        this.context = context;
        this.plan = plan;
        this.oldSide = oldSide;
        this.newSide = newSide;
        this.oldConnection = oldConnection;
        this.newConnection = newConnection;
        this.tracker = tracker;
        this.limiter = limiter;
        this.fetched = fetched;
        TablePlan.Pair key = plan.keys().get(0);
        this.integerKey = plan.keys().size() == 1 && key.oldInfo().kind(oldSide.dialect()) == ColumnInfo.Kind.INTEGER
                && key.newInfo().kind(newSide.dialect()) == ColumnInfo.Kind.INTEGER
                && !plan.mapping().transforms(key.oldName());
    }

    /**
     * Where a resumable run of this table records its progress, and what an earlier run of it recorded.
     *
     * @param resumed the state to go on from; null to start from the first key
     */
    record Checkpoint(VerifyCheckpoints store, String name, String settings, VerifyCheckpoints.@Nullable State resumed) {
    }

    /**
     * Verifies the scope in chunks of about {@code chunkRows} rows, comparing a {@code fraction} of them; with a
     * checkpoint, goes on where it says and records the progress after each chunk.
     *
     * @throws VerificationStoppedException when the run was asked to stop (its checkpoint, if any, is kept)
     */
    TableReport run(VerificationScope scope, int chunkRows, int leafRows, double fraction, long seed,
                    @Nullable Checkpoint checkpoint) throws SQLException {
        Instant started = context.clock().instant();
        long done = 0;
        long compared = 0;
        List<Object> lower = null;
        boolean finished = false;
        VerifyCheckpoints.State resumed = checkpoint == null ? null : checkpoint.resumed();
        if (resumed != null) {
            done = resumed.chunksDone();
            compared = resumed.chunksCompared();
            rowsCompared = resumed.rowsCompared();
            newRowsCompared = resumed.newRowsCompared();
            lower = resumed.cursor() == null ? null : parseKey(resumed.cursor());
            finished = resumed.done();
            addSuspects(resumed.suspects());
            for (int kind = 0; kind < overflow.length; kind++) {
                overflow[kind] = resumed.beyond().get(kind);
            }
            log.info("Verification of table {} resumes checkpoint '{}' after {} chunks ({} rows compared, {} rows"
                    + " found different so far)", plan.mapping().oldTable(), checkpoint.name(), done, rowsCompared,
                    suspects.size());
        }
        savedSuspects = resumed == null ? 0 : resumed.suspects().size();
        unsaved.clear();
        List<TableSide.Range> chunks = finished ? List.of() : chunks(lower, chunkRows);
        tracker.chunks(chunks.size());
        boolean lastDiffered = false;
        for (int i = 0; i < chunks.size(); i++) {
            if (tracker.stopRequested()) {
                throw new VerificationStoppedException(plan.mapping().oldTable(), done + i,
                        checkpoint == null ? null : checkpoint.name());
            }
            TableSide.Range chunk = chunks.get(i);
            long number = done + i;
            if (fraction < 1.0 && new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number).nextDouble() >= fraction) {
                tracker.chunkDone(0, suspects.size());
            } else {
                tracker.current(chunk.toString());
                lastDiffered = compareChunk(chunk, chunkRows, leafRows, lastDiffered && chunkRows <= LIST_ROWS);
                compared++;
            }
            if (checkpoint != null) {
                save(checkpoint, chunk.upper(), number + 1, compared);
            }
        }
        long firstFound = suspects.size();
        settle(checkpoint == null ? null : checkpoint.name(), done + chunks.size());
        return report(scope, fraction >= 1.0, done + chunks.size(), compared, firstFound - suspects.size(), started);
    }

    private void save(Checkpoint checkpoint, @Nullable List<Object> next, long chunksDone, long chunksCompared)
            throws SQLException {
        VerifyCheckpoints.State state = new VerifyCheckpoints.State(checkpoint.settings(), next == null,
                next == null ? null : keyOf(next), chunksDone, chunksCompared, rowsCompared, newRowsCompared, List.of(),
                java.util.Arrays.stream(overflow).boxed().toList());
        checkpoint.store().save(checkpoint.name(), plan.mapping().oldTable(), state, unsaved, savedSuspects + 1);
        savedSuspects += unsaved.size();
        unsaved.clear();
    }

    private List<Object> parseKey(String key) {
        List<String> parts = KeyCodec.decode(key, plan.keys().size());
        List<Object> value = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            value.add(JavaValues.parseKey(parts.get(i), plan.keys().get(i).oldInfo(), oldDialect()));
        }
        return value;
    }

    /** Re-verifies the given keys (change-log form, old-store values) once the writes in flight have landed. */
    List<RowDifference> recheck(Collection<String> keys) throws SQLException {
        suspects.clear();
        addSuspects(keys);
        settle(null, 0);
        return differences();
    }

    /** Makes suspects of the rows of the given keys (change-log form, old-store values) that either store has. */
    private void addSuspects(Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        List<List<Object>> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            values.add(parseKey(key));
        }
        // each key's canonical text is known once its row is read; keys neither store has are equal
        Two<Map<String, TableSide.FetchedRow>> rows = both(side -> byKeyText(side.side.rowsByKey(side.connection, values)));
        for (Map<String, TableSide.FetchedRow> side : List.of(rows.old(), rows.fresh())) {
            side.forEach((text, row) -> suspects.putIfAbsent(text,
                    new Suspect(text, RowDifference.Kind.DIFFERENT, row.key())));
        }
    }

    private VerifyDialect oldDialect() {
        return oldSide.dialect();
    }

    private List<TableSide.Range> chunks(@Nullable List<Object> first, int chunkRows) throws SQLException {
        List<TableSide.Range> chunks = new ArrayList<>();
        List<Object> lower = first;
        while (true) {
            List<Object> next = oldSide.keyAt(oldConnection, new TableSide.Range(lower, null), chunkRows);
            chunks.add(new TableSide.Range(lower, next));
            if (next == null) {
                return chunks;
            }
            lower = next;
        }
    }

    /**
     * Compares one chunk. After a chunk that differed, the next one is listed at once (keys and row hashes, see
     * {@link #listed}) instead of checksummed first: differences spread over a table make most chunks differ, and
     * the checksum of a chunk that then differs is a pass over its rows that finds nothing.
     *
     * @return whether the chunk differed (before the rows were read again)
     */
    private boolean compareChunk(TableSide.Range chunk, int chunkRows, int leafRows, boolean listAtOnce)
            throws SQLException {
        long oldRows;
        boolean differed;
        if (listAtOnce && integerKey) {
            Bucketed bucketed = searchBuckets(chunk, chunkRows, leafRows);
            if (bucketed != null) {
                rowsCompared += bucketed.oldRows();
                newRowsCompared += bucketed.newRows();
                acquire(Math.max(bucketed.oldRows(), bucketed.newRows()));
                if (!plan.javaColumns().isEmpty()) {
                    compareJava(chunk);
                }
                tracker.chunkDone(bucketed.oldRows(), suspects.size());
                return bucketed.differed();
            }
        }
        // the chunk's size is the old store's; the new store may hold many more rows in its key range, so the
        // listing stops past LIST_ROWS on either side and the chunk is checksummed and searched instead
        @Nullable Two<List<TableSide.KeyHash>> hashes = listAtOnce
                ? both(side -> side.side.hashes(side.connection, chunk, LIST_ROWS + 1)) : null;
        if (hashes != null && Math.max(hashes.old().size(), hashes.fresh().size()) <= LIST_ROWS) {
            oldRows = hashes.old().size();
            rowsCompared += oldRows;
            newRowsCompared += hashes.fresh().size();
            acquire(Math.max(oldRows, hashes.fresh().size()));
            if (!plan.javaColumns().isEmpty()) {
                compareJava(chunk);
            }
            differed = listed(chunk, hashes);
        } else {
            Two<TableSide.Checksum> sums = both(side -> side.side.checksum(side.connection, chunk));
            oldRows = sums.old().count();
            rowsCompared += oldRows;
            newRowsCompared += sums.fresh().count();
            acquire(Math.max(sums.old().count(), sums.fresh().count()));
            if (!plan.javaColumns().isEmpty()) {
                compareJava(chunk);
            }
            differed = !equal(sums.old(), sums.fresh());
            if (!differed || !integerKey || searchBuckets(chunk, chunkRows, leafRows) == null) {
                bisect(chunk, sums.old(), sums.fresh(), leafRows);
            }
        }
        tracker.chunkDone(oldRows, suspects.size());
        return differed;
    }

    /** A chunk compared bucket by bucket: its rows on each store, and whether any bucket differed. */
    private record Bucketed(long oldRows, long newRows, boolean differed) {
    }

    private static final TableSide.Checksum NO_ROWS = new TableSide.Checksum(0, java.math.BigDecimal.ZERO);

    /**
     * Compares a chunk of a table keyed by one integer column in buckets of about {@code leafRows} keys, each
     * store summing every bucket's checksum in one pass ({@link TableSide#bucketChecksums}), and searches only
     * the buckets that differ. Differences spread over a table (0.1 % of its rows: about ten in a chunk of
     * 10,000) made each chunk be listed whole, its every row's key and hash sent by both stores, which cost
     * about twice streaming the rows; this sends a few hundred sums and then the rows of the few buckets that
     * differ.
     *
     * @return null when the chunk cannot be cut by key value (its bounds or keys are beyond a {@code long}, or it
     *         is empty on the old store), the chunk then being left to the caller
     */
    private @Nullable Bucketed searchBuckets(TableSide.Range chunk, int chunkRows, int leafRows) throws SQLException {
        Long width = bucketWidth(chunk, chunkRows, leafRows);
        if (width == null) {
            return null;
        }
        Two<Map<Long, TableSide.Checksum>> buckets = both(side -> side.side.bucketChecksums(side.connection, chunk,
                width));
        long oldRows = 0;
        long newRows = 0;
        for (TableSide.Checksum bucket : buckets.old().values()) {
            oldRows += bucket.count();
        }
        for (TableSide.Checksum bucket : buckets.fresh().values()) {
            newRows += bucket.count();
        }
        java.util.TreeSet<Long> numbers = new java.util.TreeSet<>(buckets.old().keySet());
        numbers.addAll(buckets.fresh().keySet());
        boolean differed = false;
        // differing buckets with no equal bucket between them (empty ones are absent) are searched as one range,
        // so that a long run of them (rows the new store alone holds past the old store's last key, or a chunk
        // mostly different) is listed or cut as a whole rather than fetched a bucket at a time
        List<TableSide.Range> small = new ArrayList<>();
        Long runFirst = null;
        long runLast = 0;
        TableSide.Checksum runOld = NO_ROWS;
        TableSide.Checksum runNew = NO_ROWS;
        for (long number : numbers) {
            TableSide.Checksum old = buckets.old().getOrDefault(number, NO_ROWS);
            TableSide.Checksum fresh = buckets.fresh().getOrDefault(number, NO_ROWS);
            if (equal(old, fresh)) {
                if (runFirst != null) {
                    searchRun(chunk, width, runFirst, runLast, runOld, runNew, leafRows, small);
                    runFirst = null;
                }
                continue;
            }
            differed = true;
            if (runFirst == null) {
                runFirst = number;
                runOld = old;
                runNew = fresh;
            } else {
                runOld = plus(runOld, old);
                runNew = plus(runNew, fresh);
            }
            runLast = number;
        }
        if (runFirst != null) {
            searchRun(chunk, width, runFirst, runLast, runOld, runNew, leafRows, small);
        }
        for (int start = 0; start < small.size(); start += PARTS_PER_FETCH) {
            List<TableSide.Range> parts = small.subList(start, Math.min(small.size(), start + PARTS_PER_FETCH));
            compare(both(side -> side.side.rowsInParts(side.connection, chunk, parts)));
        }
        return new Bucketed(oldRows, newRows, differed);
    }

    /** Small differing bucket runs fetched in one query per store (each adds a condition to its text). */
    private static final int PARTS_PER_FETCH = 200;

    /**
     * Searches the range of buckets {@code first} to {@code last} of the chunk, whose sums are given: a range of
     * at most {@code leafRows} rows on both stores goes to {@code small}, fetched with the chunk's other small
     * ones; a larger one is listed or cut ({@link #bisect}).
     */
    private void searchRun(TableSide.Range chunk, long width, long first, long last, TableSide.Checksum old,
                           TableSide.Checksum fresh, int leafRows, List<TableSide.Range> small) throws SQLException {
        TableSide.Range range = new TableSide.Range(bucketRange(chunk, first, width).lower(),
                bucketRange(chunk, last, width).upper());
        if (Math.max(old.count(), fresh.count()) <= leafRows) {
            small.add(range);
        } else {
            bisect(range, old, fresh, leafRows);
        }
    }

    private static TableSide.Checksum plus(TableSide.Checksum a, TableSide.Checksum b) {
        return new TableSide.Checksum(a.count() + b.count(), a.sum().add(b.sum()));
    }

    /**
     * The width in key values of buckets of about {@code leafRows} rows of the chunk: its key span (from 0 at the
     * least) over {@code chunkRows / leafRows} buckets. An unbounded end of the chunk is the old store's least or
     * greatest key in it. Null when the chunk cannot be cut so.
     */
    private @Nullable Long bucketWidth(TableSide.Range chunk, int chunkRows, int leafRows) throws SQLException {
        Long lower = chunk.lower() == null ? null : asLong(chunk.lower().get(0));
        Long upper = chunk.upper() == null ? null : asLong(chunk.upper().get(0));
        if ((chunk.lower() != null && lower == null) || (chunk.upper() != null && upper == null)) {
            return null;
        }
        if (lower == null || upper == null) {
            long[] span = oldSide.keySpan(oldConnection, chunk);
            if (span == null) {
                return null;
            }
            lower = lower == null ? span[0] : lower;
            upper = upper == null ? (span[1] == Long.MAX_VALUE ? Long.MAX_VALUE : span[1] + 1) : upper;
        }
        long base = Math.max(0, lower);
        if (upper <= base) {
            return null;
        }
        long span = upper - base; // both at least 0: no overflow
        long count = Math.max(1, (chunkRows + (long) leafRows - 1) / Math.max(1, leafRows));
        return Math.max(1, span / count + (span % count == 0 ? 0 : 1));
    }

    private static @Nullable Long asLong(@Nullable Object value) {
        return value instanceof Long number ? number : value instanceof Integer number ? Long.valueOf(number) : null;
    }

    /**
     * The key range of one bucket ({@link TableSide#bucketChecksums}) within the chunk: keys from {@code number ×
     * width} up to the next bucket's first, or below 0 for bucket {@code -1}.
     */
    private static TableSide.Range bucketRange(TableSide.Range chunk, long number, long width) {
        Long chunkLower = chunk.lower() == null ? null : asLong(chunk.lower().get(0));
        Long chunkUpper = chunk.upper() == null ? null : asLong(chunk.upper().get(0));
        if (number < 0) {
            return new TableSide.Range(chunk.lower(),
                    chunkUpper != null && chunkUpper < 0 ? chunk.upper() : List.of((Object) 0L));
        }
        long first = number * width; // a key k >= first is in the bucket: no overflow
        List<Object> lower = chunkLower != null && chunkLower > first ? chunk.lower() : List.of((Object) first);
        List<Object> upper;
        if (number >= Long.MAX_VALUE / width) {
            upper = chunk.upper(); // the next bucket's first key is past a long: the chunk's end bounds it
        } else {
            long next = (number + 1) * width;
            upper = chunkUpper != null && chunkUpper < next ? chunk.upper() : List.of((Object) next);
        }
        return new TableSide.Range(lower, upper);
    }

    /** Parts a range too large to be listed is cut into at each step of the search. */
    private static final int FAN_OUT = 16;

    /**
     * The most rows a differing range may hold on either store to be listed (keys and row hashes) rather than
     * cut into parts: the listing's memory (about 100 bytes a row on each side) stays a few MB, and the default
     * chunk of {@value VerificationJob#DEFAULT_CHUNK_ROWS} rows is listed in one query per store. Issue 7's
     * benchmark (0.1 % of 100,000 rows differing, chunks of 10,000 rows) spent 3–5 times the equal tables' time
     * cutting each chunk in 16, then each differing part in 16 again (about 2.6 times its rows hashed and some
     * 25 queries per store per chunk); listing the chunk hashes its rows once more, in one query.
     */
    static final int LIST_ROWS = 20_000;

    /**
     * When more than this share of a listed range's rows differ, its rows are fetched in one range query per
     * store instead of by key (a query of up to 500 keys at a time): a row found by key costs an index probe,
     * several times a row read in a range scan (by the per-row costs in {@code docs/performance.md}).
     */
    static final double DENSE_SHARE = 0.25;

    private static boolean equal(TableSide.Checksum old, TableSide.Checksum fresh) {
        return old.count() == fresh.count() && old.sum().compareTo(fresh.sum()) == 0;
    }

    private void bisect(TableSide.Range range, TableSide.Checksum old, TableSide.Checksum fresh, int leafRows)
            throws SQLException {
        if (equal(old, fresh)) {
            return;
        }
        long larger = Math.max(old.count(), fresh.count());
        if (larger <= leafRows) {
            diff(range);
            return;
        }
        if (larger <= LIST_ROWS) {
            listed(range, both(side -> side.side.hashes(side.connection, range)));
            return;
        }
        // cut into up to FAN_OUT parts at keys of the store with more rows, and compare every part in one query
        long step = Math.max(1, (larger + FAN_OUT - 1) / FAN_OUT);
        List<List<Object>> splits = old.count() >= fresh.count() ? oldSide.splits(oldConnection, range, step)
                : newSide.splits(newConnection, range, step);
        if (splits.isEmpty()) {
            diff(range);
            return;
        }
        Two<List<TableSide.Checksum>> parts = both(side -> side.side.checksums(side.connection, range, splits));
        for (int i = 0; i <= splits.size(); i++) {
            TableSide.Range part = new TableSide.Range(i == 0 ? range.lower() : splits.get(i - 1),
                    i == splits.size() ? range.upper() : splits.get(i));
            bisect(part, parts.old().get(i), parts.fresh().get(i), leafRows);
        }
    }

    /**
     * Compares a range by the listed keys and row hashes of both stores: the rows whose hashes differ or that
     * one store lacks are fetched (by key, in one query per store, or the whole range when they are dense) and
     * diffed column by column.
     *
     * @return whether any row's hash differed
     */
    private boolean listed(TableSide.Range range, Two<List<TableSide.KeyHash>> hashes) throws SQLException {
        List<TableSide.KeyHash> collisions = new ArrayList<>();
        Map<String, TableSide.KeyHash> newRows = pairable(hashes.fresh(), TableSide.KeyHash::keyText,
                TableSide.KeyHash::key, row -> collision(row.keyText(), row.key(), RowDifference.Kind.EXTRA_IN_NEW),
                collisions);
        Map<String, TableSide.KeyHash> oldRows = pairable(hashes.old(), TableSide.KeyHash::keyText,
                TableSide.KeyHash::key, row -> collision(row.keyText(), row.key(), RowDifference.Kind.MISSING_IN_NEW),
                collisions);
        boolean collided = !collisions.isEmpty();
        List<List<Object>> oldKeys = new ArrayList<>();
        List<List<Object>> newKeys = new ArrayList<>();
        for (TableSide.KeyHash row : oldRows.values()) {
            TableSide.KeyHash other = newRows.remove(row.keyText());
            if (other == null || other.hash() != row.hash()) {
                oldKeys.add(row.key());
                if (other != null) {
                    newKeys.add(other.key());
                }
            }
        }
        newRows.values().forEach(row -> newKeys.add(row.key())); // the new store's rows the old one lacks
        if (oldKeys.isEmpty() && newKeys.isEmpty()) {
            return collided;
        }
        long rows = Math.max(hashes.old().size(), hashes.fresh().size());
        if (Math.max(oldKeys.size(), newKeys.size()) > DENSE_SHARE * rows) {
            diff(range);
        } else {
            compare(both(side -> side.side.rowsByKey(side.connection, side.side == oldSide ? oldKeys : newKeys)));
        }
        return true;
    }

    /** Fetches a small range from both stores and notes every row that differs. */
    private void diff(TableSide.Range range) throws SQLException {
        compare(both(side -> side.side.rows(side.connection, range, true)));
    }

    /** Notes every row of the two stores' fetched rows that differs. */
    private void compare(Two<List<TableSide.FetchedRow>> rows) throws SQLException {
        renderInJava(rows);
        List<TableSide.FetchedRow> collisions = new ArrayList<>();
        Map<String, TableSide.FetchedRow> newRows = pairable(rows.fresh(), TableSide.FetchedRow::keyText,
                TableSide.FetchedRow::key, row -> collision(row.keyText(), row.key(), RowDifference.Kind.EXTRA_IN_NEW),
                collisions);
        Map<String, TableSide.FetchedRow> oldRows = pairable(rows.old(), TableSide.FetchedRow::keyText,
                TableSide.FetchedRow::key, row -> collision(row.keyText(), row.key(),
                        RowDifference.Kind.MISSING_IN_NEW), collisions);
        Set<String> oldTexts = new java.util.HashSet<>();
        for (TableSide.FetchedRow row : oldRows.values()) {
            oldTexts.add(row.keyText());
            TableSide.FetchedRow other = newRows.get(row.keyText());
            if (other == null) {
                suspect(row.keyText(), RowDifference.Kind.MISSING_IN_NEW, row.key(), List.of());
            } else {
                List<String> columns = differingColumns(row, other, true);
                if (!columns.isEmpty()) {
                    suspect(row.keyText(), RowDifference.Kind.DIFFERENT, row.key(), columns);
                }
            }
        }
        for (TableSide.FetchedRow row : newRows.values()) {
            if (!oldTexts.contains(row.keyText())) {
                suspect(row.keyText(), RowDifference.Kind.EXTRA_IN_NEW, row.key(), List.of());
            }
        }
    }

    /**
     * Gives the cells of paired rows that a store returned no rendered text for (NULL where a rendering never is:
     * MariaDB's string functions give NULL past max_allowed_packet, so a value of more than half of it has no hex)
     * the canonical text of both stores' values read in Java, marked so that no text rendered in SQL equals it.
     * Without it the two NULLs compared equal, and a row whose long value differed in one byte verified clean.
     */
    private void renderInJava(Two<List<TableSide.FetchedRow>> rows) throws SQLException {
        Map<String, TableSide.FetchedRow> newRows = byKeyText(rows.fresh());
        List<TablePlan.Pair> pairs = plan.sqlColumns();
        for (TableSide.FetchedRow old : rows.old()) {
            TableSide.FetchedRow fresh = newRows.get(old.keyText());
            if (fresh == null) {
                continue;
            }
            for (int i = plan.keys().size(); i < pairs.size(); i++) {
                if (old.texts().get(i) != null && fresh.texts().get(i) != null) {
                    continue;
                }
                TablePlan.Pair pair = pairs.get(i);
                Two<String> texts = both(side -> side.side.javaText(side.connection,
                        side.side == oldSide ? old.key() : fresh.key(), pair));
                // a row gone meanwhile gets a mark of its store's own: it differs until the re-read finds it gone
                // (as "null" it equalled the other store's text 'null')
                old.texts().set(i, texts.old() == null ? JAVA_TEXT + "gone-old" : JAVA_TEXT + "|" + texts.old());
                fresh.texts().set(i, texts.fresh() == null ? JAVA_TEXT + "gone-new" : JAVA_TEXT + "|" + texts.fresh());
                renderedInJava.computeIfAbsent(pair.oldName(), column -> new java.util.HashSet<>()).add(old.keyText());
            }
        }
    }

    /** Compares the columns compared in Java of a chunk, row by row. */
    private void compareJava(TableSide.Range chunk) throws SQLException {
        Two<List<TableSide.FetchedRow>> rows = both(side -> side.side.rows(side.connection, chunk, false));
        Map<String, TableSide.FetchedRow> newRows = byKeyText(rows.fresh());
        for (TableSide.FetchedRow row : rows.old()) {
            TableSide.FetchedRow other = newRows.get(row.keyText());
            if (other != null) {
                List<String> columns = differingColumns(row, other, false);
                if (!columns.isEmpty()) {
                    suspect(row.keyText(), RowDifference.Kind.DIFFERENT, row.key(), columns);
                }
            }
        }
    }

    private List<String> differingColumns(TableSide.FetchedRow old, TableSide.FetchedRow fresh, boolean sqlColumns) {
        List<String> columns = new ArrayList<>();
        if (sqlColumns) {
            List<TablePlan.Pair> pairs = plan.sqlColumns();
            for (int i = plan.keys().size(); i < pairs.size(); i++) {
                if (!old.texts().get(i).equals(fresh.texts().get(i))) {
                    columns.add(pairs.get(i).oldName());
                }
            }
        }
        List<TablePlan.Pair> java = plan.javaColumns();
        for (int i = 0; i < java.size(); i++) {
            if (!old.java().get(i).equals(fresh.java().get(i))) {
                columns.add(java.get(i).oldName());
            }
        }
        return columns;
    }

    /**
     * One store's rows by key text, in their order. Where several share a text (see {@link #collision}), the one
     * whose own key is shortest is kept to pair with the other store; each other one is handed to {@code
     * collided} and added to {@code collisions}.
     */
    private static <T> Map<String, T> pairable(List<T> rows, java.util.function.Function<T, String> text,
                                               java.util.function.Function<T, List<Object>> key,
                                               java.util.function.Consumer<T> collided, List<? super T> collisions) {
        Map<String, T> kept = new LinkedHashMap<>();
        for (T row : rows) {
            T before = kept.putIfAbsent(text.apply(row), row);
            if (before != null) {
                T loser = row;
                if (keyOf(key.apply(row)).length() < keyOf(key.apply(before)).length()) {
                    kept.put(text.apply(row), row);
                    loser = before;
                }
                collided.accept(loser);
                collisions.add(loser);
            }
        }
        return kept;
    }

    /**
     * Notes a row whose key text another row of the same store has too: a padded pair trims {@code CHAR}
     * padding, so a {@code VARCHAR} side's {@code 'a'} and {@code 'a '} render alike while the {@code CHAR}
     * side can hold only one of them. The second is a row the other store lacks; it is kept apart from the
     * first under its own key.
     *
     * @return true
     */
    private boolean collision(String keyText, List<Object> key, RowDifference.Kind kind) {
        suspect(keyText + COLLIDED + keyOf(key), kind, key, List.of());
        return true;
    }

    /** Separates a colliding row's own key from the shared key text in {@link #suspects}. */
    private static final char COLLIDED = '\u0000';

    /** Marks a cell's text read in Java by {@link #renderInJava}: {@code ~} begins no text rendered in SQL. */
    private static final String JAVA_TEXT = "~j";

    private void suspect(String keyText, RowDifference.Kind kind, List<Object> key, List<String> columns) {
        Suspect known = suspects.get(keyText);
        if (known == null) {
            if (suspects.size() >= context.maxDifferences()) {
                overflow[kind.ordinal()]++;
                return;
            }
            known = new Suspect(keyText, kind, key);
            suspects.put(keyText, known);
            unsaved.add(keyOf(key));
        }
        known.columns.addAll(columns);
    }

    /**
     * Reads every suspect again, after a delay and once the mirrors and the change log hold nothing in flight
     * for it, up to {@code recheckRounds} times; what still differs stays. A stop asked for meanwhile ends the
     * waits at once: the checkpoint (whose head says every chunk is done) keeps the suspects, and the next run
     * reads them again.
     *
     * @throws VerificationStoppedException when the run was asked to stop
     */
    private void settle(@Nullable String checkpoint, long chunksDone) throws SQLException {
        for (int round = 0; round < context.recheckRounds() && !suspects.isEmpty(); round++) {
            tracker.awaitStop(context.recheckDelay());
            awaitBacklog();
            if (tracker.stopRequested()) {
                throw new VerificationStoppedException(plan.mapping().oldTable(), chunksDone, checkpoint);
            }
            Two<List<TableSide.FetchedRow>> fetched = both(side -> side.side.rowsByKey(side.connection, keyValues()));
            renderInJava(fetched);
            Two<Map<String, TableSide.FetchedRow>> rows = new Two<>(byKeyText(fetched.old()),
                    byKeyText(fetched.fresh()));
            Map<String, Suspect> still = new LinkedHashMap<>();
            for (Suspect suspect : suspects.values()) {
                if (suspect.keyText.indexOf(COLLIDED) >= 0) {
                    // a colliding row differs for as long as it is there: the other store cannot hold it apart
                    String own = keyOf(suspect.key);
                    List<TableSide.FetchedRow> side = suspect.kind == RowDifference.Kind.MISSING_IN_NEW
                            ? fetched.old() : fetched.fresh();
                    if (side.stream().anyMatch(row -> keyOf(row.key()).equals(own))) {
                        still.put(suspect.keyText, suspect);
                    }
                    continue;
                }
                TableSide.FetchedRow old = rows.old().get(suspect.keyText);
                TableSide.FetchedRow fresh = rows.fresh().get(suspect.keyText);
                if (old == null && fresh == null) {
                    continue;
                }
                Suspect now;
                if (fresh == null) {
                    now = new Suspect(suspect.keyText, RowDifference.Kind.MISSING_IN_NEW, old.key());
                } else if (old == null) {
                    now = new Suspect(suspect.keyText, RowDifference.Kind.EXTRA_IN_NEW, fresh.key());
                } else {
                    List<String> columns = differingColumns(old, fresh, true);
                    if (columns.isEmpty()) {
                        continue;
                    }
                    now = new Suspect(suspect.keyText, RowDifference.Kind.DIFFERENT, old.key());
                    now.columns.addAll(columns);
                }
                still.put(now.keyText, now);
            }
            suspects.clear();
            suspects.putAll(still);
        }
    }

    private void awaitBacklog() {
        Instant deadline = context.clock().instant().plus(context.settleTimeout());
        DualWriter writer = context.dualWriter();
        if (writer != null) {
            try {
                writer.awaitMirrors(context.settleTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ChangeLog changeLog = context.changeLog();
        if (changeLog == null) {
            return;
        }
        List<String> keys = suspects.values().stream().map(suspect -> keyOf(suspect.key)).toList();
        try {
            while (!changeLog.pendingKeys(context.migration(), plan.mapping().oldTable(), keys).isEmpty()
                    && context.clock().instant().isBefore(deadline) && !tracker.stopRequested()) {
                tracker.awaitStop(Duration.ofMillis(50));
            }
        } catch (UnsupportedOperationException unsupported) {
            log.debug("change log {} cannot list pending keys; waiting for the delay only", changeLog);
        }
    }

    private List<List<Object>> keyValues() {
        return suspects.values().stream().map(suspect -> suspect.key).toList();
    }

    /**
     * The rows by key text; where two rows share one (a padded pair's {@code 'a'} and {@code 'a '}), the one whose
     * own key is shortest, the one a {@code CHAR} side's trimmed value pairs with.
     */
    private static Map<String, TableSide.FetchedRow> byKeyText(List<TableSide.FetchedRow> rows) {
        Map<String, TableSide.FetchedRow> map = new HashMap<>();
        rows.forEach(row -> map.merge(row.keyText(), row,
                (kept, other) -> keyOf(other.key()).length() < keyOf(kept.key()).length() ? other : kept));
        return map;
    }

    static String keyOf(List<Object> values) {
        return KeyCodec.encode(values.stream().map(JavaValues::keyPart).toList());
    }

    private List<RowDifference> differences() {
        List<RowDifference> differences = new ArrayList<>(suspects.size());
        for (Suspect suspect : suspects.values()) {
            differences.add(new RowDifference(suspect.kind, keyOf(suspect.key),
                    suspect.kind == RowDifference.Kind.DIFFERENT ? List.copyOf(suspect.columns) : List.of()));
        }
        return differences;
    }

    /** The plan's columns compared in Java, and those whose values some rows had too long to render in SQL. */
    private Map<String, String> javaReasons() {
        Map<String, String> reasons = new LinkedHashMap<>(plan.javaReasons());
        renderedInJava.forEach((column, rows) -> reasons.putIfAbsent(column, rows.size()
                + " row(s) with a value too long for the database to render in SQL (MySQL/MariaDB: beyond"
                + " max_allowed_packet) compared in Java"));
        return reasons;
    }

    private TableReport report(VerificationScope scope, boolean full, long chunks, long compared, long settled,
                               Instant started) {
        List<RowDifference> differences = differences();
        long[] counts = overflow.clone();
        Map<String, Long> columns = new TreeMap<>();
        for (RowDifference difference : differences) {
            counts[difference.kind().ordinal()]++;
            difference.columns().forEach(column -> columns.merge(column, 1L, Long::sum));
        }
        boolean truncated = java.util.Arrays.stream(overflow).sum() > 0;
        return new TableReport(plan.mapping().oldTable(), plan.mapping().newTable(), scope, full, rowsCompared,
                newRowsCompared, counts[RowDifference.Kind.MISSING_IN_NEW.ordinal()],
                counts[RowDifference.Kind.EXTRA_IN_NEW.ordinal()], counts[RowDifference.Kind.DIFFERENT.ordinal()],
                columns, differences, truncated, javaReasons(), chunks, compared, fetched.get(),
                Math.max(0, settled), started, context.clock().instant());
    }

    /**
     * Waits for the rate limit's permits for {@code rows} rows.
     *
     * @throws SQLException when this thread is interrupted: the limiter answers an interrupted thread at once, without
     *                      permits, and keeps the interrupt, so the loop asked again for ever (a caller that
     *                      interrupted the run on a timeout or a shutdown saw it never end); it ends as a JDBC call on
     *                      an interrupted thread does, the interrupt kept
     */
    private void acquire(long rows) throws SQLException {
        if (limiter == null || rows <= 0) {
            return;
        }
        int most = Math.max(1, limiter.getRateLimiterConfig().getLimitForPeriod());
        long left = rows;
        // a stop asked for ends the wait: the chunk is compared already, and the run stops after it
        while (left > 0 && !tracker.stopRequested()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new SQLException("interrupted while the verification of " + plan.mapping().oldTable()
                        + " waited for its rate limit");
            }
            int permits = (int) Math.min(left, most);
            if (limiter.acquirePermission(permits)) {
                left -= permits;
            }
        }
    }

    /** One store's side and connection, for a query run on both stores at once. */
    private record Bound(TableSide side, Connection connection) {
    }

    @FunctionalInterface
    private interface SideQuery<T> {
        T run(Bound side) throws SQLException;
    }

    /** The results of one query on both stores. */
    private record Two<T>(T old, T fresh) {
    }

    /** Runs a query on both stores at once: the old one on the executor, the new one here. */
    private <T> Two<T> both(SideQuery<T> query) throws SQLException {
        Future<T> old = context.executor().submit(() -> query.run(new Bound(oldSide, oldConnection)));
        T fresh;
        try {
            fresh = query.run(new Bound(newSide, newConnection));
        } catch (SQLException | RuntimeException e) {
            try {
                old.get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // the new store's failure is the one reported
            }
            throw e;
        }
        try {
            return new Two<>(old.get(), fresh);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the old store was read", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SQLException(e.getCause());
        }
    }
}
