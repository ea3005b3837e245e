/**
 * Double writes for any JDBC code: {@code DualWriteDataSource} wraps the old and the new
 * {@link javax.sql.DataSource} and mirrors write statements according to the phase.
 */
@NullMarked
package io.dualwrite.jdbc;

import org.jspecify.annotations.NullMarked;
