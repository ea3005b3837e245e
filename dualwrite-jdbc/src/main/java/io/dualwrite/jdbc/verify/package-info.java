/**
 * Verification and repair: proves that a table holds the same rows in both stores, through its
 * {@link io.dualwrite.mapping.TableMapping}, without moving the rows, and repairs what differs through the one
 * copier ({@link io.dualwrite.jdbc.copy.RowCopier}).
 *
 * <p><b>How a table is compared.</b> {@link io.dualwrite.jdbc.verify.Verifier} cuts the table (or one merchant's
 * rows of it) into primary-key ranges of about {@code chunkRows} rows, found on the old store. For each range,
 * each database computes in its own SQL a row count and the sum of a 60-bit prefix of the MD5 of every row's
 * canonical text: the mapped columns rendered as text the same way on H2, PostgreSQL and MySQL/MariaDB (integers
 * and decimals by value without trailing zeros, booleans as {@code 0}/{@code 1}, date-times as
 * {@code yyyy-MM-dd HH:mm:ss[.f]} in UTC (the fraction without trailing zeros), {@code CHAR} padding trimmed, bytes as hex, {@code NULL} as a
 * marker no value renders to). Between two PostgreSQL 14+ databases in UTF-8 whose compared columns have one type
 * on both sides, among types whose own hash is as exact as their canonical text (integers, {@code numeric}, texts,
 * {@code bool}, dates, times, date-times, {@code uuid}, {@code bytea}), each database hashes a row by its values
 * ({@code hash_record_extended}, seeded alike) instead. Only the two numbers per range cross the wire. A range whose numbers differ
 * lists each row's key and hash on both stores (a range too large to list is first cut into 16 parts, each
 * compared by its checksum); only the rows whose hashes differ are fetched (as their canonical texts) and
 * compared column by column. After a chunk that differed, the next chunk is listed at once. Columns that cannot be rendered alike in SQL
 * (floating point, JSON, bit strings, transformed values) are fetched and compared in Java, and the report names
 * them. A key column must be rendered in SQL: of a type with a common rendering, or of the same type of the same
 * product on both stores (its own text output).
 *
 * <p><b>Key ranges</b> select the same rows on both stores: string key columns compare by their bytes (binary
 * order) on both sides ({@code COLLATE "C"} on PostgreSQL, {@code BINARY} on MySQL/MariaDB unless the column's
 * collation is already binary and NO PAD).
 *
 * <p><b>While writes continue</b> a row found different is read again by key after a short delay, once the
 * mirrors have drained and the change log holds nothing pending for it, and reported only if it still differs.
 *
 * <p>Each run is recorded in {@code dualwrite_verification}; {@link io.dualwrite.jdbc.verify.JdbcVerificationProbe}
 * reads it for the phase gate. {@link io.dualwrite.jdbc.verify.Repairer} repairs a report's differences (old
 * wins) and re-verifies them; {@link io.dualwrite.jdbc.verify.ScopedResyncResolver} resolves the change log's
 * scoped resync entries.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.jdbc.verify;
