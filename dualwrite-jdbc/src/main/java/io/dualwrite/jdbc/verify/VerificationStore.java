package io.dualwrite.jdbc.verify;

import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.schema.SchemaScript;
import io.dualwrite.switches.VerificationStatus;
import io.dualwrite.jdbc.schema.OwnTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Reads and writes {@code dualwrite_verification}: one row per table of each verification run. */
final class VerificationStore {

    /** The longest report JSON kept per row; longer ones are cut. */
    static final int MAX_REPORT_LENGTH = 4000;

    private static final String INSERT = "INSERT INTO " + DualWriteSchema.VERIFICATION_TABLE + " (migration, table_name,"
            + " scope_key, merchant_id, sampled, status, rows_compared, missing_in_new, extra_in_new, different,"
            + " started_at, finished_at, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** How a recorded report begins: the digest of the mapping its run compared ({@link VerificationJob#mappingDigest}). */
    private static final String MAPPING_FIELD = "{\"mapping\":\"";

    /** The characters of a report the probe reads: the mapping field and its UUID. */
    private static final int MAPPING_PREFIX = MAPPING_FIELD.length() + 36;

    /** The field after the mapping: the newest switch change of the run's scope at its start. */
    private static final String SWITCHED_FIELD = ",\"switched\":\"";

    /** The characters of a report the probe reads: the mapping and the switch change's time (at most 40). */
    private static final int REPORT_PREFIX = MAPPING_PREFIX + SWITCHED_FIELD.length() + 40;

    /** The {@code switched} field of a run whose switch store knew no change of its scope. */
    static final String NO_SWITCH_CHANGE = "none";

    /**
     * One recorded run of one table, as the probe reads it.
     *
     * @param mapping  the digest of the mapping the run compared; {@code null} for a run recorded before it was kept
     * @param switched the newest switch change of the run's scope when it started, by the switch store's clock
     *                 ({@link #NO_SWITCH_CHANGE} when there was none); {@code null} when the verifier had no switches
     *                 or the run was recorded before it was kept
     */
    record Row(long id, String table, String scopeKey, boolean sampled, VerificationStatus status, Instant startedAt,
               Instant finishedAt, @Nullable String mapping, @Nullable String switched) {
    }

    private VerificationStore() {
    }

    /** Fails with the fix when the table is missing. */
    static void check(DataSource dataSource) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, DualWriteSchema.VERIFICATION_TABLE);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id FROM " + DualWriteSchema.VERIFICATION_TABLE + " WHERE 1 = 0")) {
            select.executeQuery().close();
        } catch (SQLException e) {
            throw missing(dataSource, e);
        }
    }

    /**
     * Records every table of a run.
     *
     * @param switched the newest switch change of the run's scope when it started ({@link Row#switched}); for a run
     *                 resumed from a checkpoint, when the run that began the checkpoint started
     * @param resumedFrom for a run resumed from a checkpoint, when the run that began the checkpoint started, by the
     *                    verifier's clock: no table is recorded as started later; {@code null} for a run begun whole
     */
    static void record(DataSource dataSource, VerificationResult result, VerificationJob job, @Nullable String switched,
                       @Nullable Instant resumedFrom) throws SQLException {
        java.util.Map<String, String> digests = new java.util.HashMap<>();
        job.tables().forEach(mapping -> digests.put(mapping.oldTable(), VerificationJob.mappingDigest(mapping)));
        try (Connection connection = OwnTable.session(dataSource, DualWriteSchema.VERIFICATION_TABLE)) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (TableReport report : result.tables()) {
                    insert.setString(1, result.migration());
                    insert.setString(2, report.table());
                    insert.setString(3, report.scope().key());
                    insert.setString(4, report.scope().merchantId());
                    insert.setInt(5, report.full() ? 0 : 1);
                    insert.setString(6, (report.clean() ? VerificationStatus.CLEAN : VerificationStatus.DIRTY).name());
                    insert.setLong(7, report.rowsCompared());
                    insert.setLong(8, report.missingInNew());
                    insert.setLong(9, report.extraInNew());
                    insert.setLong(10, report.different());
                    insert.setObject(11, utc(resumedFrom != null && report.startedAt().isAfter(resumedFrom) ? resumedFrom
                            : report.startedAt()));
                    insert.setObject(12, utc(report.finishedAt()));
                    java.util.Map<String, Object> recorded = new java.util.LinkedHashMap<>();
                    recorded.put("mapping", digests.get(report.table())); // first: the probe reads the report's start
                    if (switched != null) {
                        recorded.put("switched", switched);
                    }
                    recorded.putAll(report.toMap());
                    String json = Json.write(recorded);
                    insert.setString(13, json.length() <= MAX_REPORT_LENGTH ? json : json.substring(0, MAX_REPORT_LENGTH));
                    insert.addBatch();
                }
                insert.executeBatch();
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            if (DualWriteSchema.isMissingTable(e)) {
                throw missing(dataSource, e);
            }
            throw e;
        }
    }

    /** Every recorded run of a migration, oldest first. */
    static List<Row> rows(DataSource dataSource, String migration) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = OwnTable.session(dataSource, DualWriteSchema.VERIFICATION_TABLE);
             PreparedStatement select = connection.prepareStatement("SELECT id, table_name, scope_key, sampled, status, started_at,"
                     + " finished_at, SUBSTRING(report, 1, " + REPORT_PREFIX + ")"
                     + " FROM " + DualWriteSchema.VERIFICATION_TABLE + " WHERE migration = ? ORDER BY id")) {
            select.setString(1, migration);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getInt(4) != 0,
                            VerificationStatus.valueOf(result.getString(5)),
                            result.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                            result.getObject(7, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                            mapping(result.getString(8)), switched(result.getString(8))));
                }
            }
        } catch (SQLException e) {
            if (DualWriteSchema.isMissingTable(e)) {
                throw missing(dataSource, e);
            }
            throw e;
        }
        return rows;
    }

    /** The mapping digest a recorded report begins with, or {@code null} when it begins otherwise (an older run's). */
    private static @Nullable String mapping(@Nullable String reportStart) {
        return reportStart != null && reportStart.length() > MAPPING_PREFIX && reportStart.startsWith(MAPPING_FIELD)
                && reportStart.charAt(MAPPING_PREFIX) == '"'
                ? reportStart.substring(MAPPING_FIELD.length(), MAPPING_PREFIX) : null;
    }

    /** The switch change a recorded report names after its mapping, or {@code null} when it names none. */
    private static @Nullable String switched(@Nullable String reportStart) {
        if (mapping(reportStart) == null || !reportStart.startsWith(SWITCHED_FIELD, MAPPING_PREFIX + 1)) {
            return null;
        }
        int from = MAPPING_PREFIX + 1 + SWITCHED_FIELD.length();
        int end = reportStart.indexOf('"', from);
        return end < 0 ? null : reportStart.substring(from, end);
    }

    private static SQLException missing(DataSource dataSource, SQLException e) {
        return missing(dataSource, DualWriteSchema.VERIFICATION_TABLE, e);
    }

    /** {@code e} as "could not use {@code table}", with how to create dualwrite's tables on that database. */
    static SQLException missing(DataSource dataSource, String table, SQLException e) {
        @Nullable SchemaScript script = null;
        try (Connection connection = dataSource.getConnection()) {
            script = SchemaScript.of(connection);
        } catch (SQLException unknown) {
            // name every script
        }
        return new SQLException("could not use " + table + ": " + Credentials.mask(e.getMessage())
                + " (dualwrite's table is missing; to fix, "
                + (script == null ? SchemaScript.fixForUnknownDatabase() : script.fix()) + ")", e.getSQLState(), e);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
