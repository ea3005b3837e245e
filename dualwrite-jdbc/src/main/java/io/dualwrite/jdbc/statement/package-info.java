/**
 * Statement analysis for the JDBC layer: each distinct SQL string is parsed once (JSqlParser, cached),
 * classified ({@link io.dualwrite.jdbc.statement.SqlKind}: insert, update, delete, upsert, select, bulk write,
 * several statements, other, unknown), tied to its {@link
 * io.dualwrite.mapping.TableMapping}, and rewritten for the other store with a parameter plan that says
 * where every {@code ?} of the rewritten SQL takes its value from.
 */
@NullMarked
package io.dualwrite.jdbc.statement;

import org.jspecify.annotations.NullMarked;
