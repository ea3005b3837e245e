/**
 * The actuator endpoint {@code dualwrite}: what every migration's switches, pins, change-log backlog, last
 * verification and mirror breakers are ({@link io.dualwrite.spring.endpoint.DualWriteEndpoint} read operations),
 * and operator moves of the system, merchant and order switches and of order pins through the phase gate (its
 * write operation), each written to the audit log {@code io.dualwrite.audit}. Over HTTP,
 * {@link io.dualwrite.spring.endpoint.DualWriteWebEndpointExtension} answers a refused move with 409, a caller
 * without the write role with 403 and bad input with 400.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.spring.endpoint;
