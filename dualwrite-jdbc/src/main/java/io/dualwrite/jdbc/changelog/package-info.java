/**
 * The change log on the table {@code dualwrite_change_log} in the authoritative store: recording (also
 * inside the caller's transaction, for the crash-safe outbox), claiming safely across instances
 * ({@code FOR UPDATE SKIP LOCKED} where the database has it), completing and rescheduling entries.
 */
@NullMarked
package io.dualwrite.jdbc.changelog;

import org.jspecify.annotations.NullMarked;
