package io.dualwrite.jdbc.verify;

import io.dualwrite.changelog.ChangeRecord;
import org.jspecify.annotations.Nullable;

/**
 * Which rows of a table a verification covers: all of them, or the rows of one merchant (found through the
 * mapping's merchant column, {@link io.dualwrite.mapping.TableMapping#merchantIdColumn()}).
 *
 * @param merchantId the merchant, or {@code null} for the whole table
 */
public record VerificationScope(@Nullable String merchantId) {

    /** Every row of the table. */
    public static final VerificationScope WHOLE_TABLE = new VerificationScope(null);

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when {@code merchantId} is blank or longer than the 191 characters the
     *                                  verification table stores
     */
    public VerificationScope {
        if (merchantId != null && merchantId.isBlank()) {
            throw new IllegalArgumentException("merchantId must be a non-blank id, but was '" + merchantId + "'");
        }
        // the verification table keeps the id in merchant_id and merchant=<id> in scope_key (VARCHAR(200))
        io.dualwrite.internal.Checks.requireFits("merchantId", merchantId,
                io.dualwrite.internal.Checks.MAX_STORED_ID_LENGTH, "dualwrite_verification.merchant_id");
    }

    /** The rows of one merchant. */
    public static VerificationScope merchant(String merchantId) {
        if (merchantId == null) {
            throw new IllegalArgumentException("merchantId must be a non-blank id, but was null");
        }
        return new VerificationScope(merchantId);
    }

    /**
     * The scope of a change-log key of a scoped resync: {@value ChangeRecord#WHOLE_TABLE} for the whole table,
     * {@code merchant=<id>} for one merchant.
     *
     * @throws IllegalArgumentException for any other key
     */
    public static VerificationScope ofChangeLogKey(String key) {
        if (ChangeRecord.WHOLE_TABLE.equals(key)) {
            return WHOLE_TABLE;
        }
        if (key != null && key.startsWith(ChangeRecord.MERCHANT_SCOPE_PREFIX)
                && key.length() > ChangeRecord.MERCHANT_SCOPE_PREFIX.length()) {
            return merchant(key.substring(ChangeRecord.MERCHANT_SCOPE_PREFIX.length()));
        }
        throw new IllegalArgumentException("scoped resync key must be '" + ChangeRecord.WHOLE_TABLE + "' or '"
                + ChangeRecord.MERCHANT_SCOPE_PREFIX + "<id>', but was '" + key + "'");
    }

    /** Whether this is the whole table. */
    public boolean isWholeTable() {
        return merchantId == null;
    }

    /** The scope as the change log and {@code dualwrite_verification} write it: {@code *} or {@code merchant=<id>}. */
    public String key() {
        return merchantId == null ? ChangeRecord.WHOLE_TABLE : ChangeRecord.MERCHANT_SCOPE_PREFIX + merchantId;
    }

    @Override
    public String toString() {
        return merchantId == null ? "whole table" : "merchant '" + merchantId + "'";
    }
}
