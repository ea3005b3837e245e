package io.dualwrite.switches;

/**
 * The outcome of the last verification of a migration's tables (supplied by the verification tools).
 *
 * <p>Called on the operator's thread for a gated move only; it may block. An exception it throws makes
 * the gate refuse.
 */
@FunctionalInterface
public interface VerificationProbe {

    /** The last verification's outcome; {@link VerificationStatus#NEVER_RUN} when there was none. */
    VerificationStatus lastVerification(String migration);

    /**
     * The last verification's outcome for one merchant's rows: the later of the last verification of the whole
     * tables and the last of that merchant's rows, per table. By default the migration's outcome.
     */
    default VerificationStatus lastVerification(String migration, String merchantId) {
        return lastVerification(migration);
    }

    /**
     * As {@link #lastVerification(String)} ({@code merchantId} null) or {@link #lastVerification(String, String)},
     * counting only runs that started after {@code change}, the newest change of the switches that may decide the
     * scope's phase ({@link SwitchStore#lastChange}): a run that started before it compared the stores while some
     * rows were written under another phase (a merchant rolled back to {@code OLD_ONLY} writes the old store only),
     * so its CLEAN says nothing of them. {@link VerificationStatus#NEVER_RUN} when no run counts.
     *
     * <p>By default, the answer without that condition: a probe that keeps no run start cannot tell.
     */
    default VerificationStatus lastVerificationSince(String migration, @org.jspecify.annotations.Nullable String merchantId,
                                                     SwitchChange change) {
        return merchantId == null ? lastVerification(migration) : lastVerification(migration, merchantId);
    }
}
