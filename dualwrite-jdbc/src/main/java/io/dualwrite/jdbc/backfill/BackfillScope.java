package io.dualwrite.jdbc.backfill;

import io.dualwrite.internal.Checks;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which rows of a table a job covers: the whole table, or one merchant's rows (those whose merchant column, as
 * the {@link io.dualwrite.mapping.TableMapping} names it, equals the merchant's id exactly), so that a merchant
 * migrates as a unit: backfill its history, verify it, flip its switch.
 */
public final class BackfillScope {

    private static final BackfillScope WHOLE_TABLE = new BackfillScope(null);

    private final @Nullable String merchantId;

    private BackfillScope(@Nullable String merchantId) {
        this.merchantId = merchantId;
    }

    /** Every row of the table. */
    public static BackfillScope wholeTable() {
        return WHOLE_TABLE;
    }

    /**
     * The rows of one merchant.
     *
     * @throws IllegalArgumentException when the id is null or blank
     */
    public static BackfillScope merchant(String merchantId) {
        // its writes' change-log entries and pins keep the id in VARCHAR(191) columns
        return new BackfillScope(Checks.requireStoredId("merchantId", merchantId,
                "the merchant_id columns of the library's tables"));
    }

    /** The merchant's id, or empty for the whole table. */
    public Optional<String> merchantId() {
        return Optional.ofNullable(merchantId);
    }

    /** Whether this is the whole table. */
    public boolean isWholeTable() {
        return merchantId == null;
    }

    /** The scope in a job id: {@code *} for the whole table, {@code merchant=<id>} for a merchant. */
    String idPart() {
        return merchantId == null ? "*" : "merchant=" + merchantId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BackfillScope scope && java.util.Objects.equals(merchantId, scope.merchantId);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(merchantId);
    }

    @Override
    public String toString() {
        return merchantId == null ? "whole table" : "merchant '" + merchantId + "'";
    }
}
