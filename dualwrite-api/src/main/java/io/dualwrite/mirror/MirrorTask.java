package io.dualwrite.mirror;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.RowRef;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One unit of mirrored work: what to run against the {@code target} store, the rows it writes (each is
 * recorded in the change log if the work fails or is skipped), and the key that orders it against other
 * tasks (tasks with one ordering key run one at a time, in submission order).
 *
 * @param migration      the migration (table group) name
 * @param phase          the phase the write was resolved to
 * @param target         the store the mirror writes to
 * @param context        the call's context, for logs and change-log entries
 * @param rows           the rows the work writes; not empty
 * @param orderingKey    tasks with equal keys run in submission order
 * @param work           the write against {@code target}
 * @param outboxEntryIds in {@link io.dualwrite.changelog.ChangeLogMode#ALWAYS}, the change-log entries
 *                       recorded with the authoritative write, completed when the work succeeds; empty
 *                       otherwise
 */
public record MirrorTask(
        String migration,
        MigrationPhase phase,
        Store target,
        @Nullable MigrationContext context,
        List<RowRef> rows,
        String orderingKey,
        MirrorWork work,
        List<Long> outboxEntryIds) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException     when {@code migration}, {@code phase}, {@code target}, {@code orderingKey} or
     *                                  {@code work} is null
     * @throws IllegalArgumentException when {@code rows} is empty
     */
    public MirrorTask {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(target, "target");
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows of a mirror task must not be empty");
        }
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(work, "work");
        outboxEntryIds = List.copyOf(outboxEntryIds);
    }

    /**
     * One task doing the work of {@code tasks} (the first's migration, phase, target, context and ordering
     * key; every task's rows and outbox entries), whose work is the first work's
     * {@link MirrorWork.Batchable#mergeWith} of the others. The merged task keeps the tasks it merged: when it
     * fails, each task's rows are recorded with that task's own context (order and merchant ids), and its own
     * outbox entries are rescheduled. Used by the async lanes, and by a write whose rows belong to several
     * contexts (one transaction on the other store, each row recorded as its own).
     *
     * @throws IllegalArgumentException when {@code tasks} is empty or a work is not {@link MirrorWork.Batchable}
     */
    public static MirrorTask merged(List<MirrorTask> tasks) {
        if (tasks.isEmpty() || tasks.stream().anyMatch(task -> !(task.work() instanceof MirrorWork.Batchable))) {
            throw new IllegalArgumentException("tasks must be non-empty and Batchable to be merged, but were " + tasks);
        }
        MirrorTask first = tasks.get(0);
        if (tasks.size() == 1) {
            return first;
        }
        List<RowRef> rows = new java.util.ArrayList<>();
        List<Long> outbox = new java.util.ArrayList<>();
        List<MirrorWork> later = new java.util.ArrayList<>();
        List<MirrorTask> parts = new java.util.ArrayList<>();
        for (MirrorTask task : tasks) {
            rows.addAll(task.rows());
            outbox.addAll(task.outboxEntryIds());
            if (task.work() instanceof MergedWork merged) {
                parts.addAll(merged.parts()); // flattened: each part is recorded as its own
            } else {
                parts.add(task);
            }
            if (task != first) {
                later.add(MergedWork.unwrapped(task.work()));
            }
        }
        MirrorWork firstWork = MergedWork.unwrapped(first.work());
        if (!(firstWork instanceof MirrorWork.Batchable batchable)) {
            throw new IllegalArgumentException("the first task's work cannot merge again: " + first);
        }
        MirrorWork work = new MergedWork(batchable.mergeWith(later), parts);
        return new MirrorTask(first.migration(), first.phase(), first.target(), first.context(), rows,
                first.orderingKey(), work, outbox);
    }

    /** A task for one row, ordered by its table and key, with no outbox entries. */
    public static MirrorTask of(String migration, MigrationPhase phase, @Nullable MigrationContext context,
                                RowRef row, MirrorWork work) {
        Store target = phase.mirrorTarget().orElseThrow(
                () -> new IllegalArgumentException("phase " + phase + " does not mirror writes"));
        return new MirrorTask(migration, phase, target, context, List.of(row),
                migration + '/' + row.table() + '/' + row.key(), work, List.of());
    }
}
