/**
 * Spring Boot auto-configuration of dualwrite from {@code dualwrite.*} properties: the new store's pool, the
 * wrapping of the application's {@code DataSource} in a {@code DualWriteDataSource}, the switch, pin and
 * change-log stores, the switchboard and its phase gate, the mirror settings, the MyBatis interceptor and the
 * reconciler on a schedule. {@link io.dualwrite.spring.boot.autoconfigure.DualWriteAutoConfiguration} is the entry
 * point; {@link io.dualwrite.spring.boot.autoconfigure.DualWriteProperties} lists every property.
 */
@NullMarked
package io.dualwrite.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
