package io.dualwrite.jdbc;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.jdbc.statement.StatementAnalyzer;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.switches.PhaseResolver;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The validated configuration shared by every proxy of one data source. */
record DataSourceConfig(DataSource oldDataSource, DataSource newDataSource, String migration, PhaseResolver resolver,
                        Function<Store, MirrorExecutor> executors, ChangeLog changeLog, ChangeLogMode changeLogMode,
                        @Nullable OutboxWriter outboxWriter, @Nullable MigrationPhase noContextPhase,
                        int streamBufferLimit, int maxBufferedKeys, StatementAnalyzer analyzer,
                        StoreSlots<Dialect> dialects, LogThrottle warnings, java.time.Duration outboxGrace,
                        Store changeLogStore, io.dualwrite.jdbc.copy.RowCopier copier,
                        java.util.concurrent.atomic.LongAdder resyncCounter, Metadata metadata) {

    DataSource dataSource(Store store) {
        return store == Store.OLD ? oldDataSource : newDataSource;
    }

    MirrorExecutor executor(Store target) {
        return executors.apply(target);
    }

    /** The dialect of a store, once a connection to it was seen; {@code null} before, or for a database without one. */
    @Nullable Dialect dialect(Store store) {
        return dialects.get(store);
    }

    /**
     * The dialect of a store, detected from {@code connection} the first time and kept (one data source, one
     * database product); {@code null} for a database dualwrite has no dialect for (still usable).
     */
    @Nullable Dialect dialect(Store store, Connection connection) {
        Dialect known = dialects.get(store);
        if (known != null) {
            return known;
        }
        try {
            known = Dialect.detect(connection);
        } catch (SQLException unsupported) {
            return null;
        }
        return dialects.putIfAbsent(store, known);
    }

    /**
     * A WARN that can fire per call: at most one line per {@code key} per {@link DualWriteDataSource#WARN_INTERVAL}, carrying
     * the number of lines held back since the last one; the held-back ones go to DEBUG.
     */
    void warn(org.slf4j.Logger log, String key, String message, Object... given) {
        Object[] args = masked(given);
        long suppressed = warnings.tryAcquire(key);
        if (suppressed == LogThrottle.SUPPRESS) {
            log.debug(message, args);
            return;
        }
        Object[] withCount = java.util.Arrays.copyOf(args, args.length + 1);
        withCount[args.length] = suppressed;
        if (suppressed > 0) {
            log.warn(message + " ({} similar lines suppressed before this one)", withCount);
        } else {
            log.warn(message, args);
        }
    }

    /**
     * The arguments of a line with every text and error masked ({@link io.dualwrite.internal.Credentials}): they
     * quote drivers' messages, which may quote a URL or the statement, whichever warning a caller writes.
     */
    private static Object[] masked(Object[] args) {
        Object[] masked = args.clone();
        for (int i = 0; i < masked.length; i++) {
            if (masked[i] instanceof Throwable error) {
                masked[i] = io.dualwrite.internal.Credentials.masked(error);
            } else if (masked[i] instanceof CharSequence text) {
                masked[i] = io.dualwrite.internal.Credentials.mask(text.toString());
            }
        }
        return masked;
    }
}
