package io.dualwrite.mirror;

import java.util.List;

/**
 * The work of a merged run together with the tasks it merged: a failed run is recorded for each of them, with
 * its own context (order and merchant ids) and its own outbox entries. Merges again like the work it wraps
 * (the parts are flattened), so a merged task handed to the async lanes still joins their batches.
 *
 * @param work  the merged work that runs
 * @param parts the tasks merged into it, in queue order; none of them is itself merged
 */
record MergedWork(MirrorWork work, List<MirrorTask> parts) implements MirrorWork.Batchable {

    MergedWork {
        parts = List.copyOf(parts);
    }

    @Override
    public void run() throws Exception {
        work.run();
    }

    /** The wrapped work's batch key; a wrapped work that cannot merge again merges with nothing. */
    @Override
    public Object batchKey() {
        return work instanceof MirrorWork.Batchable batchable ? batchable.batchKey() : parts;
    }

    @Override
    public MirrorWork mergeWith(List<MirrorWork> later) {
        if (!(work instanceof MirrorWork.Batchable batchable)) {
            throw new IllegalStateException("this merged work cannot merge again");
        }
        return batchable.mergeWith(later.stream().map(MergedWork::unwrapped).toList());
    }

    /** The work to merge: a merged work's inner work, else the work itself. */
    static MirrorWork unwrapped(MirrorWork work) {
        return work instanceof MergedWork merged ? merged.work() : work;
    }
}
