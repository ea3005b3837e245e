package io.dualwrite.mirror;

import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An in-memory change log whose every call goes to {@link #delegate}: the tests that watch how the executor writes
 * its change log (which thread, how many rows at once) override the calls they watch.
 */
abstract class ForwardingChangeLog implements ChangeLog {

    final InMemoryChangeLog delegate = ChangeLogs.inMemory();

    @Override
    public long record(ChangeRecord record) {
        return delegate.record(record);
    }

    @Override
    public void recordAll(List<ChangeRecord> records) {
        records.forEach(delegate::record);
    }

    @Override
    public List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
        return delegate.claim(limit, now, lease);
    }

    @Override
    public void complete(long id) {
        delegate.complete(id);
    }

    @Override
    public void retryLater(long id, Instant dueAt, String error) {
        delegate.retryLater(id, dueAt, error);
    }

    @Override
    public long pendingCount(String migration) {
        return delegate.pendingCount(migration);
    }
}
