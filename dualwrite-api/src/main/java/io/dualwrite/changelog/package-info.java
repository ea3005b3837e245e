/**
 * The change log: the record of every row whose mirror failed, was skipped or is in flight, which the
 * reconciler drains by copying rows from the authoritative store (old wins while the old store is
 * authoritative).
 */
@NullMarked
package io.dualwrite.changelog;

import org.jspecify.annotations.NullMarked;
