package io.dualwrite.switches;

/** The outcome of the last verification of a migration's tables, as the phase gate sees it. */
public enum VerificationStatus {
    /** The last verification found both stores identical. */
    CLEAN,
    /** The last verification found differences (missing, extra or differing rows). */
    DIRTY,
    /** No verification has run for the migration yet. */
    NEVER_RUN
}
