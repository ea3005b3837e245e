package io.dualwrite.jdbc.verify;

import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.copy.CopierSession;
import io.dualwrite.jdbc.copy.RowSecurity;
import io.dualwrite.jdbc.copy.StartZone;
import io.dualwrite.jdbc.mapping.MappingValidator;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseResolver;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies that tables hold the same rows in the old and the new store, without moving the rows: each database
 * computes a count and a checksum per primary-key range over the canonical text of its rows, ranges that differ
 * are split until they are small, and only their rows are fetched and compared column by column (see the
 * {@linkplain io.dualwrite.jdbc.verify package documentation}).
 *
 * <p><b>Bad input fails first.</b> Before any row is read, every table of the job is checked on both stores: a
 * table that does not exist, a mapping naming a column the table does not have, a table without a primary key
 * (or whose primary key is not the mapping's), a merchant id that does not fit the merchant column. All problems
 * are reported at once in one {@link IllegalArgumentException}.
 *
 * <p><b>While writes continue</b>, a row found different is read again after {@link Builder#recheckDelay}, once
 * the {@linkplain Builder#dualWriter mirrors} are idle and the {@linkplain Builder#changeLog change log} holds no
 * pending entry for its key (each wait bounded by {@link Builder#settleTimeout}), up to
 * {@link Builder#recheckRounds} times; it is reported only if it still differs.
 *
 * <p><b>Results</b> are recorded, one row per table, in {@code dualwrite_verification} of the
 * {@linkplain Builder#results results store} (the old store unless set), where
 * {@link JdbcVerificationProbe} finds them for the phase gate.
 *
 * <pre>{@code
 * Verifier verifier = Verifier.builder()
 *         .oldDataSource(oldStore).newDataSource(newStore)
 *         .changeLog(changeLog).dualWriter(writer)
 *         .build();
 * VerificationResult result = verifier.verify(VerificationJob.builder("orders").table(orders).build());
 * log.info("{}", result.toText());
 * }</pre>
 *
 * <p>Thread-safe: runs may go on at once; each takes one connection per store while it runs.
 */
public final class Verifier {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final @Nullable ChangeLog changeLog;
    private final @Nullable DualWriter dualWriter;
    private final @Nullable PhaseResolver switches;
    private final @Nullable DataSource results;
    private final VerifyCheckpoints checkpoints;
    private final Duration recheckDelay;
    private final Duration settleTimeout;
    private final int recheckRounds;
    private final int maxDifferences;
    private final Duration progressInterval;
    private final Clock clock;
    private final ExecutorService executor;

    private Verifier(Builder builder) {
        this.oldDataSource = Objects.requireNonNull(builder.oldDataSource);
        this.newDataSource = Objects.requireNonNull(builder.newDataSource);
        this.changeLog = builder.changeLog;
        this.dualWriter = builder.dualWriter;
        this.switches = builder.resolver != null ? builder.resolver
                : builder.dualWriter != null ? builder.dualWriter.resolver() : null;
        this.results = builder.recordResults ? (builder.results != null ? builder.results : builder.oldDataSource) : null;
        this.checkpoints = new VerifyCheckpoints(builder.results != null ? builder.results : builder.oldDataSource,
                builder.clock);
        this.recheckDelay = builder.recheckDelay;
        this.settleTimeout = builder.settleTimeout;
        this.recheckRounds = builder.recheckRounds;
        this.maxDifferences = builder.maxDifferences;
        this.progressInterval = builder.progressInterval;
        this.clock = builder.clock;
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "dualwrite-verify-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The change log of the live mirror ({@link Builder#changeLog}), or null: where a repair records refused rows. */
    @Nullable ChangeLog changeLog() {
        return changeLog;
    }

    /** Starts a builder; both data sources are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies every table of the job in the calling thread, records the result and returns it.
     *
     * @throws IllegalArgumentException naming every problem of the job's tables (see the class documentation),
     *                                  before any row is read
     * @throws IllegalStateException    when a run under the job's checkpoint name is still going on in this JVM, or,
     *                                  with the switches known ({@link Builder#resolver}), while a switch change that
     *                                  may decide the job's scope is not yet seen by every instance of the
     *                                  application ({@link PhaseResolver#unsettledSwitch}: naming the switch, its
     *                                  change time and when the run may start), before any row is read
     * @throws SQLException             when a store fails during the run
     */
    public VerificationResult verify(VerificationJob job) throws SQLException {
        List<Prepared> prepared = prepare(job);
        VerificationRun run = new VerificationRun(job, new VerificationRun.Tracker(clock, progressInterval,
                prepared.size()));
        Runnable release = checkpoints.claim(job.checkpoint().orElse(null));
        try {
            return execute(job, prepared, run);
        } finally {
            release.run();
        }
    }

    /**
     * The spellings of a merchant id that each store's own comparison takes as equal to {@code merchantId} (the
     * id itself, and on a case- or accent-insensitive or PAD SPACE column also {@code M-1}, {@code m-1 }, …), as
     * old-store values: the rows a write pinned to that merchant may have touched. A verification scope compares
     * exactly, so a scope taken from a write is verified once per spelling.
     *
     * @throws SQLException when a store fails
     */
    java.util.Set<String> merchantSpellings(TableMapping mapping, String merchantId) throws SQLException {
        java.util.Set<String> spellings = new java.util.LinkedHashSet<>();
        spellings.add(merchantId);
        String oldColumn = mapping.merchantIdColumn().orElseThrow();
        // the id as the old column's value: parsed by the old column's type, and turned into the new column's
        // value by the mapping's transformer (a new column of another type is never parsed from the id's text)
        Object oldValue = null;
        for (boolean old : new boolean[] {true, false}) {
            String column = old ? oldColumn : mapping.newColumn(oldColumn).orElse(null);
            if (column == null) {
                continue;
            }
            try (Connection connection = RowSecurity.asLoggedIn(old ? oldDataSource : newDataSource)) {
                VerifyDialect dialect = VerifyDialect.of(Dialect.detect(connection));
                var shape = TableShape.read(connection, dialect, old ? mapping.oldTable() : mapping.newTable());
                var info = shape.flatMap(found -> found.column(column));
                if (info.isEmpty()) {
                    continue; // the verification names what is missing
                }
                Object value;
                try {
                    if (old) {
                        oldValue = JavaValues.parseKey(merchantId, info.get(), dialect);
                        value = oldValue;
                    } else if (oldValue == null) {
                        continue; // the old column does not hold the id: no row of the merchant to find
                    } else {
                        value = mapping.toNewValue(oldColumn, oldValue);
                    }
                } catch (RuntimeException doesNotFit) {
                    // the id does not fit the column's type, or the transformer refuses it: no row holds it
                    continue;
                }
                String quoted = dialect.quote(info.get().name());
                // on PostgreSQL the value is cast to the column's type, so that its own '=' decides (citext
                // against a varchar parameter would compare as text, exactly)
                String marker = dialect == VerifyDialect.POSTGRESQL && info.get().type().matches("[a-z_0-9]+")
                        ? "CAST(? AS " + info.get().type() + ")" : "?";
                try (var select = connection.prepareStatement("SELECT DISTINCT " + quoted + " FROM "
                        + shape.get().quotedTable() + " WHERE " + quoted + " = " + marker)) {
                    select.setObject(1, value);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            Object found = rows.getObject(1);
                            Object asOld = old ? found : mapping.toOldValue(oldColumn, found);
                            if (asOld != null) {
                                spellings.add(asOld.toString());
                            }
                        }
                    }
                }
            }
        }
        return spellings;
    }

    /**
     * Checks the job (throwing at once, as {@link #verify} does) and runs it on a thread of its own; the returned
     * run tells its progress and gives its result.
     *
     * @throws IllegalStateException when a run under the job's checkpoint name is still going on in this JVM
     */
    public VerificationRun start(VerificationJob job) throws SQLException {
        List<Prepared> prepared = prepare(job);
        VerificationRun run = new VerificationRun(job, new VerificationRun.Tracker(clock, progressInterval,
                prepared.size()));
        Runnable release = checkpoints.claim(job.checkpoint().orElse(null));
        Thread thread = new Thread(() -> {
            VerificationResult result = null;
            Throwable failed = null;
            try {
                result = execute(job, prepared, run);
            } catch (Throwable failure) {
                failed = failure;
            } finally {
                release.run(); // before the run ends: whoever awaits it may run the checkpoint again at once
            }
            if (failed != null) {
                run.fail(failed);
            } else {
                run.complete(result);
            }
        }, "dualwrite-verification-" + job.migration());
        thread.setDaemon(true);
        thread.start();
        return run;
    }

    /**
     * Reads the given rows of a table again in both stores and returns those that still differ (after the same
     * delay and waits as a verification's re-read): how a repair is re-verified. Not recorded.
     *
     * @param keys primary keys in the change log's form, old-store values
     */
    public List<RowDifference> recheck(String migration, TableMapping mapping, Collection<String> keys)
            throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        VerificationJob job = VerificationJob.builder(migration).table(mapping).build();
        Prepared table = prepare(job).get(0);
        VerificationRun.Tracker tracker = new VerificationRun.Tracker(clock, progressInterval, 1);
        try (Sessions sessions = new Sessions(table)) {
            return verification(job, table, sessions, tracker, new AtomicLong()).recheck(keys);
        }
    }

    /**
     * Deletes what runs of jobs with this {@linkplain VerificationJob.Builder#checkpoint checkpoint name} recorded,
     * so that the next run starts from the first key; returns how many rows were deleted.
     *
     * @throws IllegalStateException when a run under that name is still going on in this JVM
     * @throws SQLException when the checkpoint table cannot be used (the message says how to create it)
     */
    public int resetCheckpoint(String name) throws SQLException {
        io.dualwrite.internal.Checks.requireStoredName("checkpoint", name, VerificationJob.MAX_CHECKPOINT_NAME);
        Runnable release = checkpoints.claim(name);
        try {
            return checkpoints.delete(name);
        } finally {
            release.run();
        }
    }

    /** One table of a job, checked against both stores. */
    /** A table ready to verify; {@code oldZone} and {@code newZone}: each pool's start zone ({@link #startZone}), or null. */
    private record Prepared(TableMapping mapping, TablePlan plan, VerifyDialect oldDialect, VerifyDialect newDialect,
                            int oldVersion, int newVersion, boolean oldUtf8, boolean newUtf8,
                            @Nullable Object merchant, StartZone.@Nullable Zone oldZone,
                            StartZone.@Nullable Zone newZone) {
    }

    private List<Prepared> prepare(VerificationJob job) throws SQLException {
        Objects.requireNonNull(job, "job");
        if (switches != null) {
            // another instance writes under the phase before a recent change, unmirrored: a clean run now may pass a
            // row whose write lands in the old store only after the run read it, and open the gate on it
            switches.unsettledSwitch(job.migration(), job.scope().merchantId()).ifPresent(reason -> {
                throw new IllegalStateException("cannot verify migration '" + job.migration() + "' yet: the switches"
                        + " are not yet seen by every instance: " + reason);
            });
        }
        List<String> problems = new ArrayList<>(MappingValidator.problems(oldDataSource, newDataSource, job.tables()));
        List<Prepared> prepared = new ArrayList<>();
        try (Connection old = RowSecurity.asLoggedIn(oldDataSource);
             Connection fresh = RowSecurity.asLoggedIn(newDataSource)) {
            VerifyDialect oldDialect = VerifyDialect.of(Dialect.detect(old));
            VerifyDialect newDialect = VerifyDialect.of(Dialect.detect(fresh));
            int oldVersion = old.getMetaData().getDatabaseMajorVersion();
            int newVersion = fresh.getMetaData().getDatabaseMajorVersion();
            boolean oldUtf8 = oldDialect.hashesUtf8(old);
            boolean newUtf8 = newDialect.hashesUtf8(fresh);
            Map<Boolean, StartZone.Zone> zones = new HashMap<>(2);
            for (TableMapping mapping : job.tables()) {
                var oldShape = TableShape.read(old, oldDialect, mapping.oldTable());
                var newShape = TableShape.read(fresh, newDialect, mapping.newTable());
                if (oldShape.isEmpty() || newShape.isEmpty()) {
                    String missing = (oldShape.isEmpty() ? "old table '" + mapping.oldTable() + "' does not exist in"
                            + " the old store" : "new table '" + mapping.newTable() + "' does not exist in the new store");
                    if (!problems.contains(missing)) {
                        problems.add(missing);
                    }
                    continue;
                }
                var plan = TablePlan.of(mapping, oldShape.get(), oldDialect, newShape.get(), newDialect, problems);
                if (plan.isEmpty()) {
                    continue;
                }
                Object merchant = null;
                String merchantId = job.scope().merchantId();
                if (merchantId != null) {
                    String column = mapping.merchantIdColumn().orElseThrow();
                    var info = oldShape.get().column(column);
                    if (info.isEmpty()) {
                        continue; // reported by the mapping validator
                    }
                    if (mapping.newColumn(column).isEmpty()) {
                        problems.add("table '" + mapping.oldTable() + "': merchant column " + column + " is dropped"
                                + " by the mapping, so merchant '" + merchantId + "''s rows cannot be found in the new"
                                + " store; verify the whole table instead");
                        continue;
                    }
                    try {
                        merchant = JavaValues.parseKey(merchantId, info.get(), oldDialect);
                    } catch (IllegalArgumentException e) {
                        problems.add("table '" + mapping.oldTable() + "': merchant id '" + merchantId
                                + "' does not fit merchant column " + column + " of type " + info.get().typeName());
                        continue;
                    }
                    String ofRows = merchant instanceof Number || merchant instanceof java.util.UUID
                            ? JavaValues.idText(merchant) : merchantId; // numbers and UUIDs have spellings of one value
                    if (!ofRows.equals(merchantId)) {
                        // the rows it selects are merchant ofRows's to the switches and the copier: another one, whose
                        // verification this run would record as merchant merchantId's
                        problems.add("table '" + mapping.oldTable() + "': merchant id '" + merchantId + "' is not how"
                                + " merchant column " + column + " of type " + info.get().typeName() + " writes any"
                                + " merchant: its rows of that value are merchant '" + ofRows + "' to the switches and"
                                + " the copier; verify merchant '" + ofRows + "'");
                        continue;
                    }
                }
                StartZone.@Nullable Zone oldZone = startZone(plan.get(), true, oldDialect, old, zones, problems);
                StartZone.@Nullable Zone newZone = startZone(plan.get(), false, newDialect, fresh, zones, problems);
                prepared.add(new Prepared(mapping, plan.get(), oldDialect, newDialect, oldVersion, newVersion,
                        oldUtf8, newUtf8, merchant, oldZone, newZone));
            }
        }
        if (results != null && problems.isEmpty()) {
            VerificationStore.check(results);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot verify migration '" + job.migration() + "':\n  - "
                    + String.join("\n  - ", problems));
        }
        return prepared;
    }

    private VerificationResult execute(VerificationJob job, List<Prepared> tables, VerificationRun run)
            throws SQLException {
        VerificationRun.Tracker tracker = run.tracker();
        // the newest switch change of the scope before any row is read, by the switch store's clock: the phase gate
        // counts this run only while no switch of the scope has moved since (JdbcVerificationProbe)
        String switched = switches == null ? null : switches.lastSwitchChange(job.migration(), job.scope().merchantId())
                .map(change -> change.changedAt().toString()).orElse(VerificationStore.NO_SWITCH_CHANGE);
        Instant started = clock.instant();
        log.info("Verification of '{}' started: {}", job.migration(), job);
        List<TableReport> reports = new ArrayList<>();
        AtomicLong fetched = new AtomicLong();
        java.util.Map<String, String> settings = checkpointSettings(job, tables);
        java.util.Map<String, VerifyCheckpoints.State> found = resumable(job, tables, settings);
        if (!found.isEmpty() && checkpoints.storedOrigin(job.checkpoint().get()).isEmpty()) {
            // written before round 25, or its origin rows lost: when its chunks were compared is unknown, and the
            // gate would count them from this resume, after any switch move since; compared again from the start
            log.warn("checkpoint '{}' holds no origin row (written before round 25, or deleted): it is not resumed,"
                    + " its tables {} are compared again from the start", job.checkpoint().get(), found.keySet());
            checkpoints.delete(job.checkpoint().get());
            found = java.util.Map.of();
        }
        java.util.Map<String, VerifyCheckpoints.State> resumed = found;
        // a resumed run holds chunks compared by the run that began its checkpoint: it is recorded as started then
        VerifyCheckpoints.Origin origin = new VerifyCheckpoints.Origin(switched, started);
        if (job.checkpoint().isPresent()) {
            origin = checkpoints.origin(job.checkpoint().get(),
                    tables.stream().map(table -> table.mapping().oldTable()).toList(), origin, !resumed.isEmpty());
        }
        for (Prepared table : tables) {
            tracker.table(table.mapping().oldTable());
            fetched.set(0);
            try (Sessions sessions = new Sessions(table)) {
                // the chunks never depend on the rate: a sample's seed picks the same chunks at any rate, and a run
                // resumed at another rate goes on with the chunks its checkpoint counted
                int chunkRows = job.chunkRows();
                TableVerification.Checkpoint checkpoint = job.checkpoint().map(name -> new TableVerification.Checkpoint(
                        checkpoints, name, settings.get(table.mapping().oldTable()),
                        resumed.get(table.mapping().oldTable())))
                        .orElse(null);
                TableReport report = verification(job, table, sessions, tracker, fetched)
                        .run(job.scope(), chunkRows, Math.min(job.leafRows(), chunkRows), job.sampleFraction(),
                                job.seed(), checkpoint);
                reports.add(report);
                log.info("Verification of '{}' table {} ({}): {}", job.migration(), report.table(), job.scope(),
                        report.clean() ? "CLEAN, " + report.rowsCompared() + " rows compared"
                                : "DIFFERENT: " + report.missingInNew() + " missing in new, " + report.extraInNew()
                                + " extra in new, " + report.different() + " different " + report.differingColumns());
            }
            tracker.tableDone();
        }
        VerificationResult result = new VerificationResult(job.migration(), job.scope(), job.isFull(), reports,
                started, clock.instant());
        if (results != null) {
            VerificationStore.record(results, result, job, origin.switched(),
                    origin.started().equals(started) ? null : origin.started());
        }
        if (job.checkpoint().isPresent()) {
            checkpoints.delete(job.checkpoint().get());
        }
        return result;
    }

    /**
     * The settings a table's checkpoint belongs to, per old table: the job's, then the old key's columns, types and
     * text collations ({@code KeyWalk.keyTypes}), since a checkpoint's cursor is a key in the order of those (a
     * cursor {@code '751'} read after the key became text leaves {@code '100002'} behind it, never compared). None
     * without a checkpoint name.
     */
    private java.util.Map<String, String> checkpointSettings(VerificationJob job, List<Prepared> tables)
            throws SQLException {
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        if (job.checkpoint().isEmpty()) {
            return settings;
        }
        try (Connection old = RowSecurity.asLoggedIn(oldDataSource)) {
            for (Prepared table : tables) {
                settings.put(table.mapping().oldTable(), job.checkpointSettings(
                        io.dualwrite.jdbc.copy.KeyWalk.open(old, table.mapping(), io.dualwrite.Store.OLD).keyTypes()));
            }
        }
        return settings;
    }

    /** What comes before the old key's columns and types in a table's checkpoint settings. */
    private static final String KEY_TYPES = " key ";

    /**
     * What earlier runs under the job's checkpoint name recorded, per table; fails before any row is compared
     * when they were runs of another job, or under another key ({@link #checkpointSettings}). A checkpoint written
     * before the key was kept holds the job's settings alone, and is resumed.
     */
    private java.util.Map<String, VerifyCheckpoints.State> resumable(VerificationJob job, List<Prepared> tables,
                                                                     java.util.Map<String, String> settings)
            throws SQLException {
        java.util.Map<String, VerifyCheckpoints.State> states = new java.util.HashMap<>();
        if (job.checkpoint().isEmpty()) {
            return states;
        }
        String name = job.checkpoint().get();
        for (Prepared table : tables) {
            var state = checkpoints.load(name, table.mapping().oldTable());
            if (state.isPresent()) {
                String expected = settings.get(table.mapping().oldTable());
                String left = state.get().settings();
                String jobPrefix = job.checkpointSettings() + KEY_TYPES;
                if (left.startsWith(jobPrefix) && expected.startsWith(jobPrefix) && !left.equals(expected)) {
                    throw new IllegalStateException("checkpoint '" + name + "' of table " + table.mapping().oldTable()
                            + " was recorded when the table's key was "
                            + left.substring(jobPrefix.length()) + ", and it is now "
                            + expected.substring(jobPrefix.length()) + ": its next key is in the order of the other"
                            + " types or collations, so resumed, keys before it in this order would never be"
                            + " compared; delete it with"
                            + " Verifier.resetCheckpoint(\"" + name + "\") and run again, or give this job another"
                            + " checkpoint name");
                }
                // as versions up to round 24 wrote them (a merchant run without its merchant columns), resumed as
                // before; the first save writes this run's settings
                String keyPrefix = job.checkpointSettings() + KEY_TYPES;
                String before25 = expected.startsWith(keyPrefix)
                        ? job.checkpointSettingsBefore25(expected.substring(keyPrefix.length())) : expected;
                if (!left.equals(expected) && !left.equals(job.checkpointSettings()) && !left.equals(before25)
                        && !left.equals(job.checkpointSettingsBefore25())) {
                    throw new IllegalStateException("checkpoint '" + name + "' of table " + table.mapping().oldTable()
                            + " was recorded by another job (" + state.get().settings() + "), not by this one ("
                            + expected + "); run that job again to finish it, give this job another"
                            + " checkpoint name, or delete it with Verifier.resetCheckpoint(\"" + name + "\")");
                }
                states.put(table.mapping().oldTable(), state.get());
            }
        }
        return states;
    }

    /**
     * The zone one store's pool starts its sessions in, where a column of that store's holds instants compared with a
     * value without zone ({@link TablePlan#startZoned}): the copier takes such a value in that zone (round 28,
     * {@link StartZone}), so verification reads the instant in it (round 28b; before, in UTC, a correct copy was
     * reported different for ever outside UTC). Learnt by the copier's own rule once per run and store, on
     * {@code session} as {@link RowSecurity#asLoggedIn} gave it (before the verifier's settings). Null where no column
     * needs it or the zone is UTC. A zone the copier refuses (no Java zone it trusts) is a problem naming the column
     * and the zone: the pair cannot be compared, and is not compared in a guessed zone.
     */
    private StartZone.@Nullable Zone startZone(TablePlan plan, boolean old, VerifyDialect dialect, Connection session,
            Map<Boolean, StartZone.Zone> zones, List<String> problems) throws SQLException {
        List<TablePlan.Pair> pairs = plan.sqlColumns().stream()
                .filter(pair -> TablePlan.startZoned(pair, old, dialect)).toList();
        // the new store's zone also for a column compared in Java (TableSide takes the old value in it)
        if (pairs.isEmpty() && (old || plan.javaColumns().stream()
                .noneMatch(pair -> TablePlan.javaStartZoned(pair, dialect)))) {
            return null;
        }
        StartZone.Zone zone = zones.get(old);
        if (zone == null) {
            zone = StartZone.of(old ? oldDataSource : newDataSource, session);
            zones.put(old, zone);
        }
        if (zone.unknown()) {
            for (TablePlan.Pair pair : pairs) {
                problems.add("table '" + plan.mapping().oldTable() + "': column " + pair.info(old).name() + " of the "
                        + (old ? "old" : "new") + " store holds instants and is compared with a value without zone,"
                        + " which the copier takes in the zone the store's pool starts its sessions in, "
                        + zone.name() + ", which has no Java zone (the copier refuses such values); set the pool's"
                        + " zone by a region name or an offset");
            }
            return null;
        }
        return zone.utc() ? null : zone;
    }

    private TableVerification verification(VerificationJob job, Prepared table, Sessions sessions,
                                           VerificationRun.Tracker tracker, AtomicLong fetched) {
        TableVerification.Context context = new TableVerification.Context(job.migration(), executor, changeLog,
                dualWriter, recheckDelay, settleTimeout, recheckRounds, maxDifferences, clock);
        // a secret salt per table and run, the same on both sides: a sum of unkeyed 60-bit hashes lets whoever
        // chooses values (user text) find differing rows whose hash differences cancel; keyed, they cannot
        String salt = java.util.HexFormat.of().formatHex(salt());
        boolean byValue = table.plan().hashesByValue(table.oldDialect(), table.oldVersion(), table.oldUtf8(),
                table.newDialect(), table.newVersion(), table.newUtf8());
        TableSide oldSide = new TableSide(table.plan(), true, table.oldDialect(), table.oldVersion(), table.oldUtf8(),
                table.merchant(), salt, byValue, table.oldZone(), table.newZone(), fetched::addAndGet);
        TableSide newSide = new TableSide(table.plan(), false, table.newDialect(), table.newVersion(), table.newUtf8(),
                table.merchant(), salt, byValue, table.newZone(), null, fetched::addAndGet);
        return new TableVerification(context, table.plan(), oldSide, newSide, sessions.old, sessions.fresh, tracker,
                limiter(job), fetched);
    }

    private static final java.security.SecureRandom SALTS = new java.security.SecureRandom();

    private static byte[] salt() {
        byte[] salt = new byte[8];
        SALTS.nextBytes(salt);
        return salt;
    }

    private static @Nullable RateLimiter limiter(VerificationJob job) {
        if (job.rateLimiter().isPresent()) {
            return job.rateLimiter().get();
        }
        if (job.maxRowsPerSecond() <= 0) {
            return null;
        }
        // k permits every k / rate seconds, k those of about a tenth of a second (at least 1): a period of a fixed
        // 100 ms with k rounded up let 10 rows/s through for any rate below 10, and 20 for 15
        double rate = job.maxRowsPerSecond();
        int permits = (int) Math.max(1, Math.ceil(rate / 10));
        Duration period = Duration.ofNanos(Math.max(1, Math.round(Math.min(1e9 * permits / rate, 1e18))));
        // a wait longer than the timeout is refused at once, not waited: the timeout outlasts two periods, so that
        // a very slow rate waits rather than asks again and again
        Duration timeout = period.multipliedBy(2).compareTo(Duration.ofMinutes(10)) > 0 ? period.multipliedBy(2)
                : Duration.ofMinutes(10);
        return RateLimiter.of("dualwrite-verify-" + job.migration(), RateLimiterConfig.custom()
                .limitForPeriod(permits).limitRefreshPeriod(period).timeoutDuration(timeout).build());
    }

    /**
     * The PostgreSQL session settings that the canonical texts of verification depend on, with the values they are
     * written for: dates in ISO form, intervals in the default style, instants in UTC (key texts of
     * {@code timestamptz[]} and {@code tstzrange} are written in the session's zone), floats in their shortest
     * exact form (below 1, {@code extra_float_digits} rounds them, so two different {@code float8[]} keys would
     * read alike) and bytes in hex (a {@code bytea[]} key's text). A session of the pool may carry other values;
     * they are put back afterwards.
     */
    private static final Map<String, String> POSTGRESQL_SETTINGS = Map.of("DateStyle", "ISO, MDY", "IntervalStyle",
            "postgres", "TimeZone", "UTC", "extra_float_digits", "3", "bytea_output", "hex");

    /**
     * One connection per store for a table's verification, in auto-commit (each query sees the latest commits),
     * MySQL/MariaDB sessions as the copier's and PostgreSQL sessions in {@link #POSTGRESQL_SETTINGS}; restored
     * and closed afterwards.
     */
    private final class Sessions implements AutoCloseable {
        final Connection old;
        final Connection fresh;
        private final boolean oldAutoCommit;
        private final boolean newAutoCommit;
        private final @Nullable Restore oldSettings;
        private final @Nullable Restore newSettings;

        private final Prepared table;

        Sessions(Prepared table) throws SQLException {
            this.table = table;
            Connection first = RowSecurity.asLoggedIn(oldDataSource);
            Connection second;
            try {
                second = RowSecurity.asLoggedIn(newDataSource);
            } catch (SQLException | RuntimeException e) {
                try {
                    first.close();
                } catch (SQLException | RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            old = first;
            fresh = second;
            Boolean oldWas = null;
            Boolean newWas = null;
            Restore oldSetting = null;
            Restore newSetting;
            try {
                oldWas = old.getAutoCommit();
                old.setAutoCommit(true);
                newWas = fresh.getAutoCommit();
                fresh.setAutoCommit(true);
                oldSetting = setUp(old, table.oldDialect());
                newSetting = setUp(fresh, table.newDialect());
            } catch (SQLException | RuntimeException e) {
                // the pools' connections go back as they came (only what was read can be put back): a session left
                // in UTC, in another date style or in auto-commit would change what the application does on it next
                if (oldWas != null) {
                    restore(old, oldSetting, oldWas);
                }
                if (newWas != null) {
                    restore(fresh, null, newWas);
                }
                closeBoth(e);
                throw e;
            }
            oldAutoCommit = oldWas;
            newAutoCommit = newWas;
            oldSettings = oldSetting;
            newSettings = newSetting;
        }

        /** Closes both connections after a failed set-up; a failure to close is added to {@code failure}. */
        private void closeBoth(Exception failure) {
            for (Connection connection : List.of(old, fresh)) {
                try {
                    connection.close();
                } catch (SQLException | RuntimeException closing) {
                    failure.addSuppressed(closing);
                }
            }
        }

        /** Puts back what {@link #setUp} changed on a session. */
        @FunctionalInterface
        private interface Restore {
            void run() throws SQLException;
        }

        /**
         * MySQL/MariaDB sessions as the copier's ({@link CopierSession}: UTC, {@code utf8mb4}, a {@code sql_mode}
         * without the modes that change what a read returns; a session left in {@code latin1} reads an emoji key as
         * {@code ?}, which names no row, and {@code EMPTY_STRING_IS_NULL} binds a key {@code ''} as NULL);
         * PostgreSQL sessions with the settings the canonical texts are written for ({@link #POSTGRESQL_SETTINGS}).
         * One statement to set, one to restore (PostgreSQL: one more to read what was set).
         *
         * @return what puts the session back; null when nothing was changed
         */
        private static @Nullable Restore setUp(Connection connection, VerifyDialect dialect) throws SQLException {
            if (dialect == VerifyDialect.MYSQL) {
                CopierSession session = java.util.Objects.requireNonNull(CopierSession.enter(connection, true));
                return session::restore;
            }
            if (dialect != VerifyDialect.POSTGRESQL) {
                return null;
            }
            List<String> names = List.copyOf(POSTGRESQL_SETTINGS.keySet());
            List<String> was = new ArrayList<>(names.size());
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT " + names.stream()
                         .map(name -> "current_setting('" + name + "')").collect(java.util.stream.Collectors.joining(", ")))) {
                rows.next();
                for (int i = 1; i <= names.size(); i++) {
                    was.add(rows.getString(i));
                }
            }
            List<String> wanted = names.stream().map(POSTGRESQL_SETTINGS::get).toList();
            setConfig(connection, names, wanted);
            return () -> setConfig(connection, names, was);
        }

        /** Sets PostgreSQL's {@code names} to {@code values} for the session, in one statement. */
        private static void setConfig(Connection connection, List<String> names, List<String> values)
                throws SQLException {
            try (java.sql.PreparedStatement set = connection.prepareStatement("SELECT " + String.join(", ",
                    java.util.Collections.nCopies(names.size(), "set_config(?, ?, false)")))) {
                for (int i = 0; i < names.size(); i++) {
                    set.setString(2 * i + 1, names.get(i));
                    set.setString(2 * i + 2, values.get(i));
                }
                set.execute();
            }
        }

        private static void restore(Connection connection, @Nullable Restore settings, boolean autoCommit) {
            try {
                if (settings != null) {
                    settings.run();
                }
                connection.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                log.debug("could not restore a verification session: {}", Credentials.mask(e.toString()));
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                restore(old, oldSettings, oldAutoCommit);
                restore(fresh, newSettings, newAutoCommit);
            } finally {
                try {
                    old.close();
                } finally {
                    fresh.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Verifier[recheckDelay=" + recheckDelay + ", settleTimeout=" + settleTimeout + ", results="
                + (results == null ? "not recorded" : "dualwrite_verification") + "]";
    }

    /**
     * Builds a {@link Verifier}. Required: {@link #oldDataSource} and {@link #newDataSource}. Every setter checks
     * its value at once; the error names the setting, the value and what is allowed.
     */
    public static final class Builder {
        /** The wait before a row found different is read again, unless set. */
        public static final Duration DEFAULT_RECHECK_DELAY = Duration.ofMillis(200);
        /** The longest wait for the mirrors and the change log before a re-read, unless set. */
        public static final Duration DEFAULT_SETTLE_TIMEOUT = Duration.ofSeconds(10);
        private static final Duration MAX_RECHECK_DELAY = Duration.ofMinutes(10);
        private static final Duration MAX_SETTLE_TIMEOUT = Duration.ofHours(1);
        private static final int MAX_RECHECK_ROUNDS = 100;
        /** How many times a row found different is read again, unless set. */
        public static final int DEFAULT_RECHECK_ROUNDS = 3;
        /** The most differences kept per table (counted beyond), unless set. */
        public static final int DEFAULT_MAX_DIFFERENCES = 100_000;
        /** How often progress is logged, unless set. */
        public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);

        private @Nullable DataSource oldDataSource;
        private @Nullable DataSource newDataSource;
        private @Nullable ChangeLog changeLog;
        private @Nullable DualWriter dualWriter;
        private @Nullable PhaseResolver resolver;
        private @Nullable DataSource results;
        private boolean recordResults = true;
        private Duration recheckDelay = DEFAULT_RECHECK_DELAY;
        private Duration settleTimeout = DEFAULT_SETTLE_TIMEOUT;
        private int recheckRounds = DEFAULT_RECHECK_ROUNDS;
        private int maxDifferences = DEFAULT_MAX_DIFFERENCES;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The old store. */
        public Builder oldDataSource(DataSource dataSource) {
            this.oldDataSource = required("oldDataSource", dataSource);
            return this;
        }

        /** The new store. */
        public Builder newDataSource(DataSource dataSource) {
            this.newDataSource = required("newDataSource", dataSource);
            return this;
        }

        /**
         * The change log of the live mirror: a row found different is read again only once the log holds no
         * pending entry for its key (or {@link #settleTimeout} passed).
         */
        public Builder changeLog(ChangeLog changeLog) {
            this.changeLog = required("changeLog", changeLog);
            return this;
        }

        /**
         * The switches the application's instances write by: a run refuses to start while a switch change that may
         * decide its scope is younger than the time every instance needs to see it
         * ({@link PhaseResolver#unsettledSwitch}). The {@link #dualWriter}'s resolver unless set; none without either.
         */
        public Builder resolver(PhaseResolver resolver) {
            this.resolver = required("resolver", resolver);
            return this;
        }

        /**
         * The writer whose mirrors run while verifying: re-reads wait for {@link DualWriter#awaitMirrors}; its
         * resolver is the run's {@link #resolver} unless one is set.
         */
        public Builder dualWriter(DualWriter writer) {
            this.dualWriter = required("dualWriter", writer);
            return this;
        }

        /**
         * Where each run is recorded ({@code dualwrite_verification}, created by
         * {@link io.dualwrite.jdbc.schema.DualWriteSchema#create}); the old store unless set.
         */
        public Builder results(DataSource dataSource) {
            this.results = required("results", dataSource);
            this.recordResults = true;
            return this;
        }

        /** Whether runs are recorded (true unless set); a run not recorded is invisible to the phase gate. */
        public Builder recordResults(boolean record) {
            this.recordResults = record;
            return this;
        }

        /**
         * The wait before a row found different is read again ({@code 200 ms} unless set).
         *
         * @throws IllegalArgumentException when it is null, negative or longer than 10 minutes (a longer wait, once
         *                                  per round, is a mistyped value rather than a plan)
         */
        public Builder recheckDelay(Duration delay) {
            if (delay == null || delay.isNegative() || delay.compareTo(MAX_RECHECK_DELAY) > 0) {
                throw new IllegalArgumentException("recheckDelay must be zero or positive and at most 10 minutes,"
                        + " but was " + delay);
            }
            this.recheckDelay = delay;
            return this;
        }

        /**
         * The longest wait for the mirrors and for the change log's entries of the rows to re-read.
         *
         * @throws IllegalArgumentException when it is null, negative or longer than 1 hour
         */
        public Builder settleTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.compareTo(MAX_SETTLE_TIMEOUT) > 0) {
                throw new IllegalArgumentException("settleTimeout must be zero or positive and at most 1 hour,"
                        + " but was " + timeout);
            }
            this.settleTimeout = timeout;
            return this;
        }

        /** How many times a row found different is read again before it is reported; 1 to 100. */
        public Builder recheckRounds(int rounds) {
            if (rounds < 1 || rounds > MAX_RECHECK_ROUNDS) {
                throw new IllegalArgumentException("recheckRounds must be between 1 and " + MAX_RECHECK_ROUNDS
                        + ", but was " + rounds);
            }
            this.recheckRounds = rounds;
            return this;
        }

        /** The most differing rows kept (and repaired) per table and run; more are counted only. At least 1. */
        public Builder maxDifferences(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxDifferences must be at least 1, but was " + max);
            }
            this.maxDifferences = max;
            return this;
        }

        /** How often a run logs its progress (10 s unless set). */
        public Builder progressInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("progressInterval must be positive, but was " + interval);
            }
            this.progressInterval = interval;
            return this;
        }

        /** The clock of the recorded times. */
        public Builder clock(Clock clock) {
            this.clock = required("clock", clock);
            return this;
        }

        /**
         * The verifier.
         *
         * @throws IllegalArgumentException when a data source is missing
         */
        public Verifier build() {
            if (oldDataSource == null || newDataSource == null) {
                throw new IllegalArgumentException((oldDataSource == null ? "oldDataSource" : "newDataSource")
                        + " must be set, but was missing");
            }
            return new Verifier(this);
        }

        private static <T> T required(String name, @Nullable T value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            return value;
        }
    }
}
