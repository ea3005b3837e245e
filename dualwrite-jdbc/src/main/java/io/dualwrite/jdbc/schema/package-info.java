/**
 * The library's own tables (switches, order pins, the change log, verification results, and the checkpoints of
 * backfills and verifications): the SQL scripts per database
 * ({@link io.dualwrite.jdbc.schema.SchemaScript}), and {@link io.dualwrite.jdbc.schema.DualWriteSchema} to
 * create them at start-up, verify them, or recognise the error of a missing one.
 */
@NullMarked
package io.dualwrite.jdbc.schema;

import org.jspecify.annotations.NullMarked;
