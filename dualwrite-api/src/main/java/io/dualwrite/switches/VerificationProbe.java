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
}
