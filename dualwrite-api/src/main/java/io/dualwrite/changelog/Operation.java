package io.dualwrite.changelog;

/** What a write did to a row; the reconciler repairs every kind the same way (copy by key, or delete). */
public enum Operation {
    INSERT,
    UPDATE,
    DELETE,
    /** An insert-or-update ({@code ON DUPLICATE KEY UPDATE}, {@code ON CONFLICT}, {@code MERGE}). */
    UPSERT,
    /** The row must be copied by key from the authoritative store (its statement could not be replayed). */
    COPY
}
