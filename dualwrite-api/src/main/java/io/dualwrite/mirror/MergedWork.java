package io.dualwrite.mirror;

import java.util.List;

/**
 * The work of a merged run together with the tasks it merged: a failed run is recorded for each of them, with
 * its own context (order and merchant ids) and its own outbox entries.
 *
 * @param work  the merged work that runs
 * @param parts the tasks merged into it, in queue order
 */
record MergedWork(MirrorWork work, List<MirrorTask> parts) implements MirrorWork {

    MergedWork {
        parts = List.copyOf(parts);
    }

    @Override
    public void run() throws Exception {
        work.run();
    }
}
