package io.dualwrite.spring.metrics;

import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A change log that counts the backlog counts asked of it (a seam: the counting is what the tests look at). */
class CountingChangeLog implements ChangeLog {

    private final ChangeLog delegate;
    private final AtomicInteger counts;

    CountingChangeLog(ChangeLog delegate, AtomicInteger counts) {
        this.delegate = delegate;
        this.counts = counts;
    }

    @Override
    public long record(ChangeRecord record) {
        return delegate.record(record);
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
        counts.incrementAndGet();
        return delegate.pendingCount(migration);
    }
}
