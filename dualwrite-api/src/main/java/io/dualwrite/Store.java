package io.dualwrite;

/** One of the two stores a migration moves data between. */
public enum Store {
    /** The store the data is moving away from. */
    OLD,
    /** The store the data is moving to. */
    NEW;

    /** The store on the other side of the migration. */
    public Store other() {
        return this == OLD ? NEW : OLD;
    }
}
