/**
 * Switch and order-pin stores on the library's own tables ({@code dualwrite_switch},
 * {@code dualwrite_order_pin}), shared by every instance of the application: each write is one atomic
 * statement or one short transaction. {@link io.dualwrite.switches.Switchboard.Builder#switchStore} puts a switch
 * store behind the switch cache of {@code dualwrite-api} (refreshed every second by default).
 */
@NullMarked
package io.dualwrite.jdbc.switches;

import org.jspecify.annotations.NullMarked;
