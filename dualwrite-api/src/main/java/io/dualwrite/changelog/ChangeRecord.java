package io.dualwrite.changelog;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to record about a row whose mirror failed, was skipped, or (in {@link ChangeLogMode#ALWAYS}) is
 * about to run: enough for the reconciler to copy the row by key from the authoritative store into
 * {@code target}.
 *
 * @param migration  the migration (table group) name
 * @param table      the table, by its old-store name
 * @param key        the row's primary key in string form
 * @param operation  what the write did
 * @param reason     why the entry exists ({@code "timeout"}, {@code "breaker-open"}, {@code "outbox"}, …)
 * @param target     the store that missed the write; the other one is authoritative for the repair
 * @param orderId    the order the write concerned, if known
 * @param merchantId the merchant the write concerned, if known
 * @param dueAt      the earliest time the reconciler should act on it
 */
public record ChangeRecord(
        String migration,
        String table,
        String key,
        Operation operation,
        String reason,
        Store target,
        @Nullable String orderId,
        @Nullable String merchantId,
        Instant dueAt) {

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException when {@code migration} or {@code table} is null or blank: an entry nobody
     *                                  could ever claim for its migration or repair in its table
     * @throws NullPointerException when another part but {@code orderId} or {@code merchantId} is null
     */
    public ChangeRecord {
        io.dualwrite.internal.Checks.requireId("migration", migration);
        io.dualwrite.internal.Checks.requireText("table", table);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(dueAt, "dueAt");
    }

    /** A record for one row, due now, carrying the order and merchant of {@code context} when given. */
    public static ChangeRecord of(
            String migration, RowRef row, String reason, Store target, @Nullable MigrationContext context) {
        return new ChangeRecord(migration, row.table(), row.key(), row.operation(), reason, target,
                context == null ? null : context.orderId().orElse(null),
                context == null ? null : context.merchantId().orElse(null),
                Instant.now());
    }

    /** The key of a scoped resync of a whole table. */
    public static final String WHOLE_TABLE = "*";

    /** The key prefix of a scoped resync of one merchant's rows: {@code merchant=<id>}. */
    public static final String MERCHANT_SCOPE_PREFIX = "merchant=";

    /**
     * A scoped resync ({@link Operation#RESYNC}): every row of {@code table}, or only the rows of
     * {@code merchantId} when it is given, must be verified and copied into {@code target}, because a write
     * touched rows whose keys could not be known exactly.
     *
     * @param table      the table, by its old-store name
     * @param merchantId the merchant the write was pinned to, or {@code null} for the whole table
     */
    public static ChangeRecord scopedResync(String migration, String table, @Nullable String merchantId,
                                            String reason, Store target, @Nullable MigrationContext context) {
        String key = merchantId == null ? WHOLE_TABLE : MERCHANT_SCOPE_PREFIX + merchantId;
        return new ChangeRecord(migration, table, key, Operation.RESYNC, reason, target,
                context == null ? null : context.orderId().orElse(null),
                merchantId != null ? merchantId : context == null ? null : context.merchantId().orElse(null),
                Instant.now());
    }

    /** Whether this is a scoped resync ({@link Operation#RESYNC}) rather than one row's key. */
    public boolean isScoped() {
        return operation == Operation.RESYNC;
    }

    /** This record, due at another time. */
    public ChangeRecord withDueAt(Instant dueAt) {
        return new ChangeRecord(migration, table, key, operation, reason, target, orderId, merchantId, dueAt);
    }

    /** This record with another reason. */
    public ChangeRecord withReason(String reason) {
        return new ChangeRecord(migration, table, key, operation, reason, target, orderId, merchantId, dueAt);
    }

    /** The row this record is about. */
    public RowRef row() {
        return new RowRef(table, key, operation);
    }
}
