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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Records the {@code setXxx} calls of a prepared statement by index: their values give the keys and ids of
 * the write, and a statement rewritten for the new store (whose parameters the rewrite may move) is bound
 * from them. Streams and readers up to the buffer limit are read into memory so that they can be bound
 * again; a larger one is passed through once. Not thread-safe (neither are statements).
 */
final class ParameterRecorder {

    /** One recorded call: the setter, its arguments, and the value it binds (for keys and ids). */
    record Call(Method method, @Nullable Object[] args, @Nullable Object value) {
    }

    /** The parameters of one execution or batch entry. */
    record Bound(Map<Integer, Call> calls, @Nullable String notReplayable) {
        /** No parameters: a plain Statement's execution, or a copy-by-key that carries none. */
        static final Bound NONE = new Bound(Map.of(), null);

        @Nullable Object value(int index) {
            Call call = calls.get(index);
            return call == null ? null : call.value();
        }

        List<@Nullable Object> values() {
            int max = calls.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            List<@Nullable Object> values = new ArrayList<>(max);
            for (int i = 1; i <= max; i++) {
                values.add(value(i));
            }
            return values;
        }
    }

    /** A stream or reader read into memory. */
    private record Buffered(byte @Nullable [] bytes, @Nullable String chars) {
        Object fresh() {
            return bytes != null ? new ByteArrayInputStream(bytes) : new StringReader(chars);
        }
    }

    private final int bufferLimit;
    private Map<Integer, Call> calls = new HashMap<>();
    private @Nullable String notReplayable;

    ParameterRecorder(int bufferLimit) {
        this.bufferLimit = bufferLimit;
    }

    /**
     * Records a setter call and returns the arguments to pass on to the authoritative statement. The proxy
     * hands every call a fresh {@code args} array, so it is kept as recorded; a copy is made only where the
     * recorded and the forwarded arguments differ.
     */
    @Nullable Object[] record(Method method, @Nullable Object[] args) throws SQLException {
        int index = (Integer) args[0];
        Object[] recorded = args;
        Object[] forward = args;
        Object value = args.length > 1 ? args[1] : null;
        String name = method.getName();
        if (name.equals("setNull")) {
            value = null;
        } else if (value instanceof InputStream || value instanceof Reader) {
            Object buffered = buffer(value);
            forward = args.clone();
            if (buffered instanceof Buffered replayable) {
                recorded[1] = replayable;
                forward[1] = replayable.fresh();
                value = replayable.bytes() != null ? replayable.bytes() : replayable.chars();
            } else {
                notReplayable = "stream-too-large";
                forward[1] = buffered;
                value = null;
            }
        } else if (value instanceof byte[] bytes) {
            recorded = args.clone();
            recorded[1] = bytes.clone(); // the application may reuse its array before an async mirror runs
            value = recorded[1];
        } else if (value instanceof java.util.Date date) {
            recorded = args.clone();
            recorded[1] = date.clone();
            value = recorded[1];
        } else if (value instanceof java.sql.Blob || value instanceof java.sql.Clob || value instanceof java.sql.Array
                || value instanceof java.sql.Ref || value instanceof java.sql.SQLXML || value instanceof java.sql.RowId) {
            notReplayable = "lob";
        }
        calls.put(index, new Call(method, recorded, value));
        return forward;
    }

    void clear() {
        calls = new HashMap<>();
        notReplayable = null;
    }

    /** The parameters bound so far; later calls do not change it. */
    Bound snapshot() {
        return new Bound(Map.copyOf(calls), notReplayable);
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
                    Call call = bound.calls().get(source.index());
                    if (call == null) {
                        throw new SQLException("parameter " + source.index() + " was not set");
                    }
                    if (source.transformColumn() != null && mapping != null) {
                        setValue(target, index, mapping.toNewValue(source.transformColumn(), call.value()));
                    } else {
                        Object[] args = call.args().clone();
                        args[0] = index;
                        if (args.length > 1 && args[1] instanceof Buffered buffered) {
                            args[1] = buffered.fresh();
                        }
                        invoke(call.method(), target, args);
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
            method.invoke(target, args);
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
