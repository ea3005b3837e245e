package io.dualwrite.jdbc;

import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Test double: keeps records in a list (the real change logs live elsewhere). */
final class ListChangeLog implements ChangeLog {

    final List<ChangeRecord> records = new CopyOnWriteArrayList<>();
    final List<Long> completed = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public long record(ChangeRecord record) {
        records.add(record);
        return ids.incrementAndGet();
    }

    @Override
    public List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
        return List.of();
    }

    @Override
    public void complete(long id) {
        completed.add(id);
    }

    @Override
    public void retryLater(long id, Instant dueAt, String error) {
    }

    @Override
    public long pendingCount(String migration) {
        return records.size();
    }
}
