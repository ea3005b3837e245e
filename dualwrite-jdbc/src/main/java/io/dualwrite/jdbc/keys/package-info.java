/**
 * Key generators across stores: {@link io.dualwrite.jdbc.keys.KeySplit} (disjoint ranges or interleaved
 * steps) keeps the two stores' sequences, identities and {@code AUTO_INCREMENT}s from handing out the same
 * keys while both generate them, and {@link io.dualwrite.jdbc.keys.KeyGeneratorGate} sets them apart and
 * refuses to make the new store authoritative while they could collide.
 */
@NullMarked
package io.dualwrite.jdbc.keys;

import org.jspecify.annotations.NullMarked;
