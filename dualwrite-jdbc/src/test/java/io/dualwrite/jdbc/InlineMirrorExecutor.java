package io.dualwrite.jdbc;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test double: runs each task at once on the caller's thread; a failure records one entry per row. */
final class InlineMirrorExecutor implements MirrorExecutor {

    final List<MirrorTask> tasks = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ChangeLog changeLog;

    InlineMirrorExecutor(ChangeLog changeLog) {
        this.changeLog = changeLog;
    }

    @Override
    public void submit(MirrorTask task) {
        tasks.add(task);
        try {
            task.work().run();
            task.outboxEntryIds().forEach(changeLog::complete);
        } catch (Exception e) {
            failures.add(e);
            for (RowRef row : task.rows()) {
                changeLog.record(ChangeRecord.of(task.migration(), row, "failed", task.target(), task.context()));
            }
        }
    }

    @Override
    public void close() {
    }
}
