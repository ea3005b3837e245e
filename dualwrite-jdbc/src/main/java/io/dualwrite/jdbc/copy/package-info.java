/**
 * The one copier: every path that moves rows between the stores (the live mirror after a commit, the
 * reconciler, and the tools built on them) syncs rows <em>by key</em> through {@link io.dualwrite.jdbc.copy.RowCopier}.
 * A sync reads the authoritative rows by key and upserts them into the other store through the
 * {@link io.dualwrite.mapping.TableMapping}, or deletes them there when they are gone; it never replays the
 * application's SQL.
 *
 * <p><b>Invariant.</b> Syncs of one key never overlap: each takes a lock per key on the <em>target</em>
 * store (PostgreSQL {@code pg_advisory_xact_lock}, MySQL/MariaDB {@code GET_LOCK}, H2 a lock in this JVM,
 * the only process that can open an in-memory or embedded H2 database) <em>before</em> it reads the
 * source, and holds it until its target transaction has committed. So if a commit C changes key K on the
 * authoritative store and a sync S of K starts after C, then S, or a sync of K that takes the lock after
 * S, reads a row at least as new as C's and is the last to write K: the stores converge on K whatever
 * ran before, in one process or many, live mirror or reconciler.
 *
 * <p>{@link io.dualwrite.jdbc.copy.KeyWalk} reads a table's keys by keyset, in the copier's key form, for the
 * tools that sync a whole table through the copier (the backfill): they walk the keys, the copier moves the rows.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.jdbc.copy;
