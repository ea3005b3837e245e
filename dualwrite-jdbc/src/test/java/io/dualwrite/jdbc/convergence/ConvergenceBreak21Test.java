package io.dualwrite.jdbc.convergence;

import io.dualwrite.mirror.MirrorMode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Convergence under concurrency (the workload, faults and checkpoints of {@link ConvergenceUnderConcurrencyTest}),
 * with every session of both instances' old-store pools left on a {@code search_path} whose first schema holds an
 * empty table of the change log's name, as an earlier borrower that set it and a pool that does not reset it leave
 * them. The mapped table is found in {@code public} as before; the change-log entries the instances record (lost and
 * refused mirrors) must reach the change log in {@code public}, which the checkpoints' drainer and comparison read on
 * clean sessions. Failed before round 21's fix: the entries went into {@code side.dualwrite_change_log}, no
 * reconciler read them, and the stores differed at the checkpoints.
 */
class ConvergenceBreak21Test {

    @ParameterizedTest(name = "PostgreSQL {0} seed={1}, sessions on search_path side, public")
    @CsvSource({"ASYNC, 2112", "SYNC, 2112"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoInstancesOnSessionsLeftOnAnotherSearchPathConverge(MirrorMode mode, long seed) throws Exception {
        ConvergenceUnderConcurrencyTest.converge(ConvergenceUnderConcurrencyTest.Stores.POSTGRES_TO_POSTGRES, mode,
                seed, "SET search_path TO side, public", "CREATE SCHEMA side",
                "CREATE TABLE side.dualwrite_change_log (LIKE public.dualwrite_change_log INCLUDING ALL)");
    }
}
