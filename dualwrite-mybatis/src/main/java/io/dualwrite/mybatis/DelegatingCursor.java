package io.dualwrite.mybatis;

import java.io.IOException;
import java.util.Iterator;
import org.apache.ibatis.cursor.Cursor;

/**
 * A MyBatis {@link Cursor} that hands every call to the cursor MyBatis returned; a subclass changes only how a row is
 * read ({@link #hasNext}, {@link #next}) or how the cursor closes. The library wraps a caller's cursor for two reasons
 * (rows mapped under the read's context; a session kept open until the cursor ends), and both keep the cursor's
 * index, state and text as MyBatis reports them.
 *
 * @param <T> the mapped row type
 */
abstract class DelegatingCursor<T> implements Cursor<T> {
    /** The cursor MyBatis returned. */
    final Cursor<T> cursor;

    DelegatingCursor(Cursor<T> cursor) {
        this.cursor = cursor;
    }

    @Override
    public boolean isOpen() {
        return cursor.isOpen();
    }

    @Override
    public boolean isConsumed() {
        return cursor.isConsumed();
    }

    @Override
    public int getCurrentIndex() {
        return cursor.getCurrentIndex();
    }

    @Override
    public void close() throws IOException {
        cursor.close();
    }

    /** The rows of {@link #cursor}, each {@code hasNext}/{@code next} through this cursor's own. */
    @Override
    public Iterator<T> iterator() {
        Iterator<T> rows = cursor.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return DelegatingCursor.this.hasNext(rows);
            }

            @Override
            public T next() {
                return DelegatingCursor.this.next(rows);
            }
        };
    }

    /** Whether {@code rows}, the iterator of {@link #cursor}, has another row. */
    boolean hasNext(Iterator<T> rows) {
        return rows.hasNext();
    }

    /** The next row of {@code rows}, the iterator of {@link #cursor}. */
    T next(Iterator<T> rows) {
        return rows.next();
    }

    @Override
    public String toString() {
        return cursor.toString();
    }
}
