package io.dualwrite.changelog;

/** Creates the change logs this module provides; the JDBC module adds a table-backed one. */
public final class ChangeLogs {

    private ChangeLogs() {
    }

    /** A new, empty change log in memory: not durable, not bounded (see {@link InMemoryChangeLog}). */
    public static InMemoryChangeLog inMemory() {
        return new InMemoryChangeLog();
    }
}
