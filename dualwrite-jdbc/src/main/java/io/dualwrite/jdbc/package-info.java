/**
 * Double writes for any JDBC code: {@link io.dualwrite.jdbc.DualWriteDataSource} wraps the old and the
 * new {@link javax.sql.DataSource} of one migration, runs each statement on the connection's
 * authoritative store and mirrors writes to mapped tables to the other store after commit, rewritten
 * through the {@link io.dualwrite.mapping.TableMapping}s. Routing rules (which store a connection uses,
 * which phase a statement without context takes, what is copied by key instead of replayed) are written
 * down in {@code docs/jdbc-routing.md}.
 */
@NullMarked
package io.dualwrite.jdbc;

import org.jspecify.annotations.NullMarked;
