package io.dualwrite.jdbc;

import io.dualwrite.jdbc.statement.ParamSource;
import io.dualwrite.jdbc.statement.RenderedSql;
import io.dualwrite.mapping.TableMapping;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records the {@code setXxx} calls of a prepared statement by index: their values give the keys and ids of
 * the write. When the statement's parameters must be bound again on another statement (a statement rewritten
 * for the new store, or the select of the keys an update or delete is about to touch), the setter calls are
 * kept too, and streams and readers up to the buffer limit are read into memory so that they can be bound
 * again (a larger one is passed through once).
 *
 * <p>On the write path this runs for every parameter of every statement, so it keeps plain arrays indexed by
 * parameter and copies nothing while a statement executes: {@link #view()} is read before {@code execute*}
 * returns. Only a batch entry, read when the batch runs, is a {@link #copy()} (with mutable values such as
 * {@code byte[]} and {@link java.util.Date} cloned, since applications reuse them between entries). Not
 * thread-safe (neither are statements).
 */
final class ParameterRecorder {

    private static final int INITIAL = 8;

    /**
     * The parameters of one execution or batch entry: values by index (1-based), and where kept, the setter
     * and its arguments.
     */
    static final class Bound {
        /** No parameters: a plain Statement's execution. */
        static final Bound NONE = new Bound(new Object[0], 0, null, null, null);

        private final @Nullable Object[] values;
        private final int size;
        private final Method @Nullable [] methods;
        private final @Nullable Object @Nullable [][] args;
        private final java.util.@Nullable BitSet charTyped;

        private Bound(@Nullable Object[] values, int size, Method @Nullable [] methods,
                      @Nullable Object @Nullable [][] args, java.util.@Nullable BitSet charTyped) {
            this.values = values;
            this.size = size;
            this.methods = methods;
            this.args = args;
            this.charTyped = charTyped;
        }

        /**
         * Whether a parameter was bound with {@code setObject(i, value, Types.CHAR or NCHAR)}: PostgreSQL then
         * compares it as {@code char(n)}, ignoring trailing spaces, whatever the column's type.
         */
        boolean charTyped(int index) {
            return charTyped != null && index >= 1 && charTyped.get(index);
        }

        @Nullable Object value(int index) {
            return index >= 1 && index <= size ? values[index - 1] : null;
        }

        /** The values by index (element 0 is parameter 1); a view, not a copy. */
        List<@Nullable Object> values() {
            return Arrays.asList(values).subList(0, size);
        }

        /** The setter and arguments recorded for a parameter, or {@code null} (not set, or not kept). */
        @Nullable Object @Nullable [] args(int index) {
            return args == null || index < 1 || index > size ? null : args[index - 1];
        }

        @Nullable Method method(int index) {
            return methods == null || index < 1 || index > size ? null : methods[index - 1];
        }
    }

    /** A stream or reader read into memory. */
    private record Buffered(byte @Nullable [] bytes, @Nullable String chars) {
        Object fresh() {
            return bytes != null ? new ByteArrayInputStream(bytes) : new StringReader(chars);
        }
    }

    private final int bufferLimit;
    private final boolean replayable;
    private @Nullable Object[] values = new Object[INITIAL];
    private Method @Nullable [] methods;
    private @Nullable Object @Nullable [][] args;
    private java.util.@Nullable BitSet charTyped;
    private int size;

    /**
     * @param replayable whether the setter calls are kept to be bound again ({@link #bind})
     */
    ParameterRecorder(int bufferLimit, boolean replayable) {
        this.bufferLimit = bufferLimit;
        this.replayable = replayable;
        if (replayable) {
            methods = new Method[INITIAL];
            args = new Object[INITIAL][];
        }
    }

    /**
     * Prepares a setter call: a stream or reader is read into memory up to the buffer limit (a larger one
     * becomes a stream of its whole content, bound once). {@code callArgs} is changed to what is recorded (the
     * proxy hands every call a fresh array); the arguments to pass on to the authoritative statement are
     * returned.
     */
    @Nullable Object[] forward(@Nullable Object[] callArgs) throws SQLException {
        Object value = callArgs.length > 1 ? callArgs[1] : null;
        if (!(value instanceof InputStream || value instanceof Reader)) {
            return callArgs;
        }
        Object buffered = buffer(value);
        Object[] forward = callArgs.clone();
        // what is bound again must be the whole content too: the original was read past its start
        callArgs[1] = buffered;
        forward[1] = buffered instanceof Buffered replayable ? replayable.fresh() : buffered;
        return forward;
    }

    /**
     * Records a setter call prepared by {@link #forward}, once the statement has accepted it.
     *
     * @throws SQLException for an index outside 1..{@code parameterCount} (when a count is given: a statement
     *                      whose setter calls reach no driver before it executes)
     */
    void record(Method method, @Nullable Object[] callArgs, int parameterCount) throws SQLException {
        int index = (Integer) callArgs[0];
        if (parameterCount >= 0 && (index < 1 || index > parameterCount)) {
            throw new SQLException("parameter index " + index + " is out of range (1.." + parameterCount + ")", "22023");
        }
        if (index < 1) {
            return;
        }
        Object value = callArgs.length > 1 ? callArgs[1] : null;
        if (method.getName().equals("setNull")) {
            value = null;
        } else if (value instanceof Buffered replayable) {
            value = replayable.bytes() == null ? replayable.chars()
                    : method.getName().equals("setAsciiStream")
                    ? new String(replayable.bytes(), java.nio.charset.StandardCharsets.US_ASCII) // a character value
                    : replayable.bytes();
        } else if (value instanceof InputStream || value instanceof Reader) {
            value = null; // over the buffer limit: never a key
        }
        ensure(index);
        values[index - 1] = value;
        if (charTyped != null) {
            charTyped.clear(index);
        }
        if (callArgs.length > 2 && method.getName().equals("setObject") && isCharType(callArgs[2])) {
            if (charTyped == null) {
                charTyped = new java.util.BitSet();
            }
            charTyped.set(index);
        }
        if (methods != null && args != null) {
            methods[index - 1] = method;
            args[index - 1] = callArgs;
        }
        size = Math.max(size, index);
    }

    private static boolean isCharType(@Nullable Object type) {
        return (type instanceof Integer code && (code == Types.CHAR || code == Types.NCHAR))
                || type == java.sql.JDBCType.CHAR || type == java.sql.JDBCType.NCHAR;
    }

    private void ensure(int index) {
        if (index <= values.length) {
            return;
        }
        int length = Math.max(index, values.length * 2);
        values = Arrays.copyOf(values, length);
        if (methods != null && args != null) {
            methods = Arrays.copyOf(methods, length);
            args = Arrays.copyOf(args, length);
        }
    }

    void clear() {
        Arrays.fill(values, 0, size, null);
        if (methods != null && args != null) {
            Arrays.fill(methods, 0, size, null);
            Arrays.fill(args, 0, size, null);
        }
        if (charTyped != null) {
            charTyped.clear();
        }
        size = 0;
    }

    /**
     * The parameters bound so far, as a view for the execution running now: read it before the statement's
     * next {@code setXxx}.
     */
    Bound view() {
        return new Bound(values, size, methods, args, charTyped);
    }

    /** The parameters bound so far, as a copy that later calls do not change (a batch entry). */
    Bound copy() {
        Object[] valueCopy = new Object[size];
        for (int i = 0; i < size; i++) {
            valueCopy[i] = detached(values[i]);
        }
        Method[] methodCopy = null;
        Object[][] argCopy = null;
        if (methods != null && args != null) {
            methodCopy = Arrays.copyOf(methods, size);
            argCopy = new Object[size][];
            for (int i = 0; i < size; i++) {
                Object[] call = args[i];
                if (call != null && call.length > 1 && detached(call[1]) != call[1]) {
                    call = call.clone();
                    call[1] = detached(call[1]);
                }
                argCopy[i] = call;
            }
        }
        return new Bound(valueCopy, size, methodCopy, argCopy, charTyped == null ? null : (java.util.BitSet) charTyped.clone());
    }

    /** A value that the application can no longer change: mutable ones cloned. */
    private static @Nullable Object detached(@Nullable Object value) {
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof java.util.Date date) {
            return date.clone();
        }
        return value;
    }

    /**
     * Binds {@code plan}'s parameters on {@code target}: application parameters by replaying their setter
     * (transformed to the new store's form when the plan says so), constants with {@code setObject}.
     */
    static void bind(PreparedStatement target, RenderedSql plan, Bound bound, @Nullable TableMapping mapping)
            throws SQLException {
        List<ParamSource> sources = plan.parameters();
        for (int i = 0; i < sources.size(); i++) {
            int index = i + 1;
            ParamSource source = sources.get(i);
            switch (source.kind()) {
                case CONSTANT -> setValue(target, index, source.constant());
                case PARAMETER -> {
                    Object[] recorded = bound.args(source.index());
                    Method setter = bound.method(source.index());
                    if (recorded == null || setter == null) {
                        throw new SQLException("parameter " + source.index() + " was not set");
                    }
                    if (source.transformColumn() != null && mapping != null) {
                        setValue(target, index, mapping.toNewValue(source.transformColumn(), bound.value(source.index())));
                    } else {
                        Object[] args = recorded.clone();
                        args[0] = index;
                        if (args.length > 1 && args[1] instanceof Buffered buffered) {
                            args[1] = buffered.fresh();
                        }
                        invoke(setter, target, args);
                    }
                }
                default -> throw new IllegalStateException("unknown parameter source " + source);
            }
        }
    }

    private static void setValue(PreparedStatement target, int index, @Nullable Object value) throws SQLException {
        if (value == null) {
            target.setNull(index, Types.NULL);
        } else {
            target.setObject(index, value);
        }
    }

    static void invoke(Method method, Object target, @Nullable Object[] args) throws SQLException {
        try {
            io.dualwrite.internal.Reflect.accessible(method).invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new SQLException(e);
        }
    }

    /** A {@link Buffered} copy, or (over the limit) a stream that yields the whole original content. */
    private Object buffer(Object streamOrReader) throws SQLException {
        try {
            if (streamOrReader instanceof InputStream in) {
                byte[] prefix = in.readNBytes(bufferLimit + 1);
                if (prefix.length <= bufferLimit) {
                    return new Buffered(prefix, null);
                }
                return new SequenceInputStream(new ByteArrayInputStream(prefix), in);
            }
            Reader reader = (Reader) streamOrReader;
            StringBuilder text = new StringBuilder();
            char[] chunk = new char[8192];
            int read;
            while (text.length() <= bufferLimit && (read = reader.read(chunk)) >= 0) {
                text.append(chunk, 0, read);
            }
            if (text.length() <= bufferLimit) {
                return new Buffered(null, text.toString());
            }
            return new java.io.Reader() {
                private final Reader head = new StringReader(text.toString());
                private boolean headDone;

                @Override
                public int read(char[] buffer, int offset, int length) throws IOException {
                    if (!headDone) {
                        int n = head.read(buffer, offset, length);
                        if (n >= 0) {
                            return n;
                        }
                        headDone = true;
                    }
                    return reader.read(buffer, offset, length);
                }

                @Override
                public void close() throws IOException {
                    reader.close();
                }
            };
        } catch (IOException e) {
            throw new SQLException("could not read a stream parameter", e);
        }
    }

}
