/**
 * The library's own tables (switches, order pins, the change log): the SQL scripts per dialect, and
 * {@link io.dualwrite.jdbc.schema.DualWriteSchema} to create them at start-up or hand them to a DBA.
 */
@NullMarked
package io.dualwrite.jdbc.schema;

import org.jspecify.annotations.NullMarked;
