package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.mapping.TableMapping;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import io.dualwrite.jdbc.copy.RowCopier;
import javax.sql.DataSource;

/** The settings of a {@link Reconciler}, validated by {@link Reconciler.Builder}; mappings keyed by lower-case old table. */
record ReconcilerConfig(
        ChangeLog changeLog,
        DataSource oldDataSource,
        DataSource newDataSource,
        Map<String, TableMapping> mappings,
        RowCopier rowCopier,
        int batchSize,
        Duration lease,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxAttempts,
        Clock clock) {

    DataSource dataSource(Store store) {
        return store == Store.OLD ? oldDataSource : newDataSource;
    }

    /** The wait before the next attempt of an entry that has failed {@code previousAttempts} times before. */
    Duration backoff(int previousAttempts) {
        int doublings = Math.min(Math.max(previousAttempts, 0), 40);
        Duration delay = initialBackoff;
        for (int i = 0; i < doublings && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
}
