package io.dualwrite.jdbc.inputs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * What the session-settings tests ({@link SessionsBreak26bTest}, {@link SessionSettingsBreak27Test},
 * {@link SessionSettingsBreak27bTest}) share, written once: an application's own pool of a test database, sessions
 * left under a setting by an earlier borrower, and a setting read back ({@link TableTWriter} writes their table).
 */
final class SessionPools {

    private SessionPools() {
    }

    /** A HikariCP pool of one session of {@code db} (logged in as its owner), as an application's pool would be. */
    static HikariDataSource pool(TestDatabase db) {
        return pool(db, 1);
    }

    /** A HikariCP pool of {@code size} sessions of {@code db} (logged in as its owner), as an application's would be. */
    static HikariDataSource pool(TestDatabase db, int size) {
        return pool(db, size, config -> { });
    }

    /** {@link #pool(TestDatabase, int)} with {@code custom} applied to its configuration last. */
    static HikariDataSource pool(TestDatabase db, int size, Consumer<HikariConfig> custom) {
        HikariConfig config = new HikariConfig();
        if (db.kind() == Kind.H2) {
            config.setJdbcUrl("jdbc:h2:mem:" + db.name());
            config.setUsername("sa");
        } else {
            config.setJdbcUrl(db.pool().getJdbcUrl());
            config.setUsername(db.pool().getUsername());
            config.setPassword(db.pool().getPassword());
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        custom.accept(config);
        return new HikariDataSource(config);
    }

    /** Runs {@code setting} on one session of {@code pool}, as an earlier borrower. */
    static void leave(HikariDataSource pool, String setting) throws Exception {
        leave(pool, 1, setting);
    }

    /** Runs {@code setting} on every session of {@code pool} (its {@code size} sessions), as an earlier borrower. */
    static void leave(HikariDataSource pool, int size, String setting) throws Exception {
        Connection[] held = new Connection[size];
        try {
            for (int i = 0; i < size; i++) {
                held[i] = pool.getConnection();
                try (Statement statement = held[i].createStatement()) {
                    statement.execute(setting);
                }
            }
        } finally {
            for (Connection connection : held) {
                if (connection != null) {
                    connection.close();
                }
            }
        }
    }

    /** The first column of the first row {@code sql} reads on a session of {@code pool}, as text. */
    static String first(HikariDataSource pool, String sql) throws Exception {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** A PostgreSQL setting as a session of {@code pool} has it. */
    static String setting(HikariDataSource pool, String name) throws Exception {
        return first(pool, "SELECT current_setting('" + name + "')");
    }
}
