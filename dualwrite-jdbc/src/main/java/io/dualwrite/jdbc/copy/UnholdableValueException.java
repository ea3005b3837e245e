package io.dualwrite.jdbc.copy;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A value the target column cannot hold exactly, refused by the copier before anything is written: storing it would
 * have rounded, clamped or turned it into another value (a MariaDB {@code TIME} of {@code 30:00:00} into a
 * PostgreSQL {@code time}, a timestamp's nanoseconds into microseconds, {@code 'abc  '} into {@code varchar(4)},
 * a double's {@code NaN} into MariaDB), or the database would have refused it without saying which column; or a
 * value the target itself refused with a data error no check foresaw (a {@code CHECK}, a domain or an enum only the
 * target has), named by the row and, as far as the copier can tell, the column. The sync
 * that met it fails, as any failed sync, and is recorded; the backfill and repair name the row, go on with the
 * others, and record the row in the change log they are given ({@link #recordIn}).
 *
 * <p>Copying the row again cannot help: only a change of the mapping (a transformer that says what the value
 * becomes) or of the target column (a type that holds it) can.
 */
public final class UnholdableValueException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** SQLSTATE class 22, data exception: the value, not the store, is at fault. */
    private static final String DATA_EXCEPTION = "22000";

    private final @Nullable String table;
    private final String column;
    private final @Nullable String key;
    private final String value;
    private final String allowed;

    private UnholdableValueException(@Nullable String table, String column, @Nullable String key, String value,
                                     String allowed) {
        this(message(table, column, key, value, allowed), table, column, key, value, allowed);
    }

    private UnholdableValueException(String message, @Nullable String table, String column, @Nullable String key,
                                     String value, String allowed) {
        super(message, DATA_EXCEPTION);
        this.table = table;
        this.column = column;
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    /** A refusal of {@code value} by {@code column}, which holds what {@code allowed} says; table and key unknown yet. */
    static UnholdableValueException of(String column, String value, String allowed) {
        return new UnholdableValueException(null, column, null, value, allowed);
    }

    /**
     * The target's refusal, with a data error ({@code reason}, its message), of the one row of {@code key} in {@code
     * table}; {@code column} and {@code value} as far as the copier could tell which column the target refused.
     */
    static UnholdableValueException byTarget(String table, String key, String column, String value, String reason) {
        String allowed = "column refused it: " + reason;
        return new UnholdableValueException("table " + table + ", column " + column + " of the row with key '" + key
                + "': the target refused the value '" + value + "' (" + reason + "); the row is not copied. Copying"
                + " it again will not help: give the mapping a transformer that says what the value becomes, or the"
                + " target column a type or a constraint that holds it", table, column, key, value, allowed);
    }

    /**
     * The target's refusal, with a data error ({@code reason}), of a write of {@code rows} rows of {@code table}: a
     * value of one of them it cannot hold. No row is named: written one by one, each refused row is.
     */
    static UnholdableValueException ofRows(String table, int rows, String reason) {
        return new UnholdableValueException("table " + table + ": the target refused a write of " + rows + " rows with"
                + " a data error (" + reason + "); written one by one, the rows it refuses are named", table,
                "(one of the rows' columns)", null, "(one of the rows' values)", "column refused it: " + reason);
    }

    /**
     * The target computes {@code column} of the row of {@code key} in {@code table} (a generated column) as {@code
     * computed}, where the source holds {@code value}: the stores would hold different rows.
     */
    static UnholdableValueException computedByTarget(String table, String key, String column, String value,
                                                     String computed) {
        String allowed = "column is computed by the target as '" + computed + "'";
        return new UnholdableValueException("table " + table + ", column " + column + " of the row with key '" + key
                + "': the target computes '" + computed + "' where the source holds '" + value + "'; the row is not"
                + " copied as the source holds it. Copying it again will not help: make the target column a plain"
                + " column, or give it the source's expression, or give the mapping a transformer or leave the column"
                + " out", table, column, key, value, allowed);
    }

    /** This refusal, of the row of {@code key} in {@code table}. */
    UnholdableValueException at(String table, String key) {
        UnholdableValueException located = new UnholdableValueException(table, column, key, value, allowed);
        located.setStackTrace(getStackTrace());
        return located;
    }

    /** The target table, as the copier names it; empty when not known. */
    public java.util.Optional<String> table() {
        return java.util.Optional.ofNullable(table);
    }

    /**
     * The target column; when the target refused the row without saying which column ({@link #byTarget}), the
     * columns the copier found to blame joined by {@code " or "}, or a description in parentheses.
     */
    public String column() {
        return column;
    }

    /** The row's key in the copier's key form ({@code |} between parts); empty when not known. */
    public java.util.Optional<String> key() {
        return java.util.Optional.ofNullable(key);
    }

    /** The value refused, as text. */
    public String value() {
        return value;
    }

    /** What the target column holds, in words: its type and its range ("time column holds times of day, …"). */
    public String allowed() {
        return allowed;
    }

    /** The reason of the change-log entry of a row a tool's copy refused ({@link #recordIn}). */
    public static final String CHANGE_LOG_REASON = "refused";

    /**
     * Records a refused row in {@code changeLog} as an {@code UPSERT} of {@code key} into {@code target}, reason
     * {@value #CHANGE_LOG_REASON}, unless the log already holds a pending entry of that key (the live mirror's or an
     * earlier run's): how the backfill and the repair keep a row they could not copy in the backlog the phase gate
     * counts and the reconciler drains, once their own report has been read and set aside. A log that cannot list
     * pending keys is written to regardless (one more entry costs the reconciler one more read).
     *
     * @param migration  the migration the row belongs to
     * @param oldTable   the row's table, by its old-store name (as the change log keys entries)
     * @param key        the row's key in the change log's string form
     * @param merchantId the merchant the tool's scope names, or null
     * @param target     the store the row could not be written to
     * @return whether an entry was written
     * @throws RuntimeException what the change log throws: the row is then recorded nowhere, and the caller must fail
     */
    public static boolean recordIn(io.dualwrite.changelog.ChangeLog changeLog, String migration, String oldTable,
                                   String key, @Nullable String merchantId, io.dualwrite.Store target) {
        try {
            if (changeLog.pendingKeys(migration, oldTable, java.util.List.of(key)).contains(key)) {
                return false;
            }
        } catch (UnsupportedOperationException cannotList) {
            // recorded regardless
        }
        changeLog.record(new io.dualwrite.changelog.ChangeRecord(migration, oldTable, key,
                io.dualwrite.changelog.Operation.UPSERT, CHANGE_LOG_REASON, target, null, merchantId,
                java.time.Instant.now()));
        return true;
    }

    /** The first refusal in {@code failure}'s chain of causes, or null when it holds none. */
    public static @Nullable UnholdableValueException in(@Nullable Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnholdableValueException refused) {
                return refused;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    private static String message(@Nullable String table, String column, @Nullable String key, String value,
                                  String allowed) {
        return (table == null ? "" : "table " + table + ", ") + "column " + column
                + (key == null ? "" : " of the row with key '" + key + "'") + ": the value '" + value
                + "' cannot be held exactly: the target's " + allowed + "; the row is not copied."
                + " Copying it again will not help: give the mapping a transformer that says what the value"
                + " becomes, or the target column a type that holds it";
    }
}
