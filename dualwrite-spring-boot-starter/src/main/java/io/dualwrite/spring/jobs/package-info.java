/**
 * The job runner: {@code --dualwrite.job=backfill|verify|repair|status} runs a migration tool (the backfill,
 * the verifier, the repairer, or a status report) with the application's own {@code DualWriteDataSource},
 * change log and switchboard, then ends the application with an exit code that says how it went
 * ({@link io.dualwrite.spring.jobs.DualWriteJobRunner}). Its options are
 * {@link io.dualwrite.spring.jobs.DualWriteJobProperties} ({@code dualwrite.job.*}).
 */
@org.jspecify.annotations.NullMarked
package io.dualwrite.spring.jobs;
