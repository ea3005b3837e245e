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

    /** One recorded run of one table, as the probe reads it. */
    record Row(long id, String table, String scopeKey, boolean sampled, VerificationStatus status, Instant finishedAt) {
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

    static void record(DataSource dataSource, VerificationResult result) throws SQLException {
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
                    insert.setObject(11, utc(report.startedAt()));
                    insert.setObject(12, utc(report.finishedAt()));
                    String json = report.toJson();
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
             PreparedStatement select = connection.prepareStatement("SELECT id, table_name, scope_key, sampled, status, finished_at"
                     + " FROM " + DualWriteSchema.VERIFICATION_TABLE + " WHERE migration = ? ORDER BY id")) {
            select.setString(1, migration);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getInt(4) != 0,
                            VerificationStatus.valueOf(result.getString(5)),
                            result.getObject(6, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
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
