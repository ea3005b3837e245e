/**
 * Switch and order-pin stores on the library's own tables ({@code dualwrite_switch},
 * {@code dualwrite_order_pin}), shared by every instance of the application: each write is one atomic
 * statement or one short transaction. Put them behind the switch cache of {@code dualwrite-api}.
 */
@NullMarked
package io.dualwrite.jdbc.switches;

import org.jspecify.annotations.NullMarked;
