package io.dualwrite.changelog;

/** What a write did to a row; the reconciler repairs every kind the same way (copy by key, or delete). */
public enum Operation {
    /** The row was inserted. */
    INSERT,
    /** The row was updated. */
    UPDATE,
    /** The row was deleted. */
    DELETE,
    /** An insert-or-update ({@code ON DUPLICATE KEY UPDATE}, {@code ON CONFLICT}, {@code MERGE}). */
    UPSERT,
    /** The row must be copied by key from the authoritative store. */
    COPY,
    /**
     * A scoped resync: the keys a write touched could not be known exactly, so every row of a scope (the
     * whole table, or one merchant's rows of it; see {@link ChangeRecord#scopedResync}) must be verified
     * and copied. The reconciler never claims these entries: they stay pending, counted as backlog by the
     * phase gate, until the tool that claims them ({@link ChangeLog#claimScoped}) has verified and copied their
     * scope.
     */
    RESYNC
}
