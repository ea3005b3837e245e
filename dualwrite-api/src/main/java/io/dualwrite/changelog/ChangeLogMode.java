package io.dualwrite.changelog;

/** When the change log gets an entry. */
public enum ChangeLogMode {
    /** Only when a mirror fails or is skipped (the default). */
    ON_FAILURE,
    /**
     * Before every mirror, in the authoritative store's transaction where the store allows it, cleared
     * once the mirror succeeded: a process that dies between the two writes loses nothing.
     */
    ALWAYS
}
