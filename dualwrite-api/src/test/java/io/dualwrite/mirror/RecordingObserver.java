package io.dualwrite.mirror;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every mirror event, for assertions. */
final class RecordingObserver implements MirrorObserver {

    private final List<MirrorEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onMirror(MirrorEvent event) {
        events.add(event);
    }

    List<MirrorEvent> events() {
        return List.copyOf(events);
    }

    List<MirrorOutcome> outcomes() {
        return events.stream().map(MirrorEvent::outcome).toList();
    }

    long count(MirrorOutcome outcome) {
        return events.stream().filter(event -> event.outcome() == outcome).count();
    }

    int size() {
        return events.size();
    }
}
