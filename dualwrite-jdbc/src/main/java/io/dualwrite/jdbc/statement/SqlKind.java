package io.dualwrite.jdbc.statement;

/** What a statement does, as far as mirroring cares. */
public enum SqlKind {
    /** {@code INSERT} (without an upsert clause). */
    INSERT,
    /** {@code UPDATE}. */
    UPDATE,
    /** {@code DELETE}. */
    DELETE,
    /** MySQL {@code INSERT … ON DUPLICATE KEY UPDATE} / {@code REPLACE}, PostgreSQL {@code INSERT … ON CONFLICT}. */
    UPSERT,
    /** A query: read, never mirrored. */
    SELECT,
    /** {@code TRUNCATE}, {@code MERGE … USING}: a write to a mapped table whose rows cannot be named. */
    BULK_WRITE,
    /** Several statements in one string; see {@link StatementAnalysis#parts()}. */
    MULTIPLE,
    /** DDL and anything else that parses but is never mirrored. */
    OTHER,
    /** The parser could not read the statement. */
    UNKNOWN;

    /** Whether statements of this kind change rows. */
    public boolean isWrite() {
        return this == INSERT || this == UPDATE || this == DELETE || this == UPSERT || this == BULK_WRITE;
    }
}
