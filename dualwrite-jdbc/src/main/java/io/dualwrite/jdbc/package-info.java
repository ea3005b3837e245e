/**
 * Double writes for any JDBC code: {@link io.dualwrite.jdbc.DualWriteDataSource} wraps the old and the
 * new {@link javax.sql.DataSource} of one migration, runs each statement on the connection's
 * authoritative store, collects the primary keys of the rows each write to a mapped table touched, and
 * after commit syncs those rows by key to the other store through the one copier
 * ({@link io.dualwrite.jdbc.copy.RowCopier}) and the {@link io.dualwrite.mapping.TableMapping}s; writes whose
 * keys cannot be known record a scoped resync. Routing rules (which store a connection uses, which phase a
 * statement without context takes, how keys are found) are written down in {@code docs/jdbc-routing.md}.
 */
@NullMarked
package io.dualwrite.jdbc;

import org.jspecify.annotations.NullMarked;
