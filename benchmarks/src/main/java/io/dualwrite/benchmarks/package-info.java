/**
 * JMH benchmarks of dualwrite's JDBC write path against the bare database, of the migration tools (backfill,
 * verification, their heap) against plain JDBC, and of the MyBatis insert against the raw pool, and the runner
 * ({@link io.dualwrite.benchmarks.BenchmarkReport}) that runs them and writes {@code docs/BENCHMARKS.md}
 * with every figure as a ratio to a baseline of the same run.
 *
 * <p>Everything here is benchmark code: it builds dualwrite only through its public API, exactly as an
 * application would, and never runs as part of {@code mvn verify} (only a one-call smoke test does).
 */
@NullMarked
package io.dualwrite.benchmarks;

import org.jspecify.annotations.NullMarked;
