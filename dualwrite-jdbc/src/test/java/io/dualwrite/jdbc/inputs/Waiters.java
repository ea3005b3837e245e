package io.dualwrite.jdbc.inputs;

import io.dualwrite.jdbc.testing.FastPolls;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.time.Duration;

/** How many sessions wait for a lock on a test database (row locks and the copier's per-key locks). */
final class Waiters {

    /** The poll of an await on {@link #count}: on MariaDB it reads {@code INNODB_TRX} ({@link FastPolls#INNODB_TRX_POLL}). */
    static final Duration POLL = FastPolls.INNODB_TRX_POLL;

    private Waiters() {
    }

    static long count(TestDatabase db) {
        if (db.kind() == TestDatabases.Kind.POSTGRES) {
            return db.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock'");
        }
        if (db.kind() == TestDatabases.Kind.MARIADB) {
            return db.count("SELECT (SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT')"
                    + " + (SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User lock')");
        }
        throw new IllegalArgumentException("no lock view for " + db.kind());
    }
}
