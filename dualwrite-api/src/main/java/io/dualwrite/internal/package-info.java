/**
 * Helpers shared by dualwrite's own packages and modules. Not an API: anything here may change
 * without notice.
 */
@NullMarked
package io.dualwrite.internal;

import org.jspecify.annotations.NullMarked;
