/**
 * Key generators across stores: the gate that keeps the new store from becoming authoritative while
 * its sequences or identities would hand out keys that copied rows already hold.
 */
@NullMarked
package io.dualwrite.jdbc.keys;

import org.jspecify.annotations.NullMarked;
