/**
 * Table mappings against real schemas: validation of a {@link io.dualwrite.mapping.TableMapping} against
 * the tables of both stores at start-up.
 */
@NullMarked
package io.dualwrite.jdbc.mapping;

import org.jspecify.annotations.NullMarked;
