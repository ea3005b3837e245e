/**
 * Micrometer meters and the health contributor of dualwrite: mirror outcomes and latency from a
 * {@link io.dualwrite.mirror.MirrorObserver} ({@link io.dualwrite.spring.metrics.DualWriteMirrorMetrics}), gauges of
 * the mirror queues, circuit breakers and change-log backlog ({@link io.dualwrite.spring.metrics.DualWriteGauges}),
 * and {@link io.dualwrite.spring.metrics.DualWriteHealthIndicator}, which stays UP whatever the new store does and
 * says in its details when a breaker is open or a backlog grows. The meter names are listed on each class.
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.spring.metrics;
