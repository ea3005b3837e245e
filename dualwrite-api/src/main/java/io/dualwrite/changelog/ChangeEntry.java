package io.dualwrite.changelog;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored change-log entry as the reconciler sees it after claiming it.
 *
 * @param id        the entry's id, unique within its change log
 * @param record    what was recorded
 * @param attempts  how many repairs were tried before this claim
 * @param createdAt when the entry was recorded
 * @param lastError the error of the last failed repair, if any
 */
public record ChangeEntry(long id, ChangeRecord record, int attempts, Instant createdAt, @Nullable String lastError) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code record} or {@code createdAt} is null
     */
    public ChangeEntry {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
